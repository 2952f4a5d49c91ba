package org.ecmpipe.server;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

/**
 * The server's database: a HikariCP pool, the schema brought up to date by Flyway, and JDBI on top. An embedded
 * H2 file database under the data dir by default; PostgreSQL (or any JDBC URL) when one is given.
 */
public final class Database implements AutoCloseable {
    private final HikariDataSource pool;
    private final Jdbi jdbi;
    private final String url;

    private Database(String url, String user, String password, String dataDirForMessages) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        if (user != null) {
            config.setUsername(user);
        }
        if (password != null) {
            config.setPassword(password);
        }
        config.setPoolName("ecmpipe-server");
        config.setMaximumPoolSize(16);
        config.setConnectionTimeout(10_000);
        try {
            this.pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            if (dataDirForMessages != null && h2InUse(e)) {
                throw new IllegalStateException("the data directory " + dataDirForMessages + " is in use by another process"
                        + " (another ecmpipe server?). The embedded H2 database allows one server process; stop the other"
                        + " one, use another --data-dir, or share a PostgreSQL database (--db-url) between servers", e);
            }
            throw e;
        }
        this.url = url;
        try {
            Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        this.jdbi = Jdbi.create(pool);
    }

    /**
     * The embedded default: an H2 file database in {@code dataDir}. {@code WRITE_DELAY=0} makes every commit
     * write the database file before the commit returns (H2's default of 500 ms kept acknowledged commits only
     * in memory, and kill -9 lost them).
     */
    public static Database embedded(Path dataDir) {
        String file = dataDir.toAbsolutePath().resolve("ecmpipe").toString();
        return new Database("jdbc:h2:file:" + file + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0", "sa", "", dataDir.toString());
    }

    public static Database connect(String jdbcUrl, String user, String password) {
        return new Database(jdbcUrl, user, password, null);
    }

    /** H2's "Database may be already in use" (error 90020): another process holds the file lock. */
    private static boolean h2InUse(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql && sql.getErrorCode() == 90020) {
                return true;
            }
        }
        return false;
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public String url() {
        return url;
    }

    /** True when a connection answers a trivial query. */
    public boolean healthy() {
        try {
            return jdbi.withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one()) == 1;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** True once {@link #close} ran (requests still arriving are answered 503). */
    public boolean closed() {
        return pool.isClosed();
    }

    @Override
    public void close() {
        pool.close();
    }
}
