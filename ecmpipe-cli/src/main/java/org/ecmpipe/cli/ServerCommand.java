package org.ecmpipe.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.ecmpipe.server.AdminKey;
import org.ecmpipe.server.Database;
import org.ecmpipe.server.ResultsServer;
import org.ecmpipe.server.ServerSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ecmpipe server}: the results server. */
@Command(name = "server", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the results server: it keeps every composite's ECM attempts and factors, takes submissions"
                + " from ecmpipe and ecm-wrapper clients (POST /api/v1/submit_result), answers queries and shows a"
                + " dashboard at /. Runs until stopped (Ctrl-C).",
                "The admin API (POST /api/v1/admin/composites) takes its key from the environment: ADMIN_API_KEY"
                        + " (alias ECMPIPE_ADMIN_KEY) or ADMIN_API_KEY_FILE naming a file that holds it. An empty key is"
                        + " refused; no key at all disables the admin API."})
public final class ServerCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8000", description = "Port. Default: ${DEFAULT-VALUE}.")
    private int port;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to listen on. Default: ${DEFAULT-VALUE} (this machine only); 0.0.0.0 for every interface.")
    private String host;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "ecmpipe-server-data",
            description = "Directory of the embedded H2 database (when no --db-url). Default: ./${DEFAULT-VALUE}.")
    private Path dataDir;

    @Option(names = "--db-url", paramLabel = "JDBC_URL",
            description = "Database to use instead, e.g. jdbc:postgresql://localhost:5432/ecmpipe.")
    private String dbUrl;

    @Option(names = "--db-user", paramLabel = "USER", description = "Database user (with --db-url).")
    private String dbUser;

    @Option(names = "--db-password-env", paramLabel = "VAR", defaultValue = "ECMPIPE_DB_PASSWORD",
            description = "Environment variable holding the database password. Default: ${DEFAULT-VALUE}.")
    private String dbPasswordEnv;

    @Option(names = "--max-digits", paramLabel = "N", defaultValue = "" + ServerSettings.DEFAULT_MAX_DIGITS,
            description = "Largest composite or factor taken, in decimal digits (413 past it). Default: ${DEFAULT-VALUE}.")
    private int maxDigits;

    @Option(names = "--max-body-bytes", paramLabel = "N", defaultValue = "" + ServerSettings.DEFAULT_MAX_BODY_BYTES,
            description = "Largest request body (413 past it). Default: ${DEFAULT-VALUE}.")
    private int maxBodyBytes;

    @Option(names = "--check-millis", paramLabel = "MS", defaultValue = "2000",
            description = "Time one request may spend on primality checks; a number not decided by then is stored with"
                    + " primality unknown. Default: ${DEFAULT-VALUE}.")
    private long checkMillis;

    @Option(names = "--rate-limit", paramLabel = "N", defaultValue = "" + ServerSettings.DEFAULT_RATE_PER_MINUTE,
            description = "Requests a minute one client address may make (429 past it); 0 = no limit. Default: ${DEFAULT-VALUE}.")
    private int ratePerMinute;

    @Option(names = "--rate-burst", paramLabel = "N", defaultValue = "" + ServerSettings.DEFAULT_RATE_BURST,
            description = "Requests one client address may make at once. Default: ${DEFAULT-VALUE}.")
    private int rateBurst;

    /** Removed: a key on the command line is visible to every user in ps. */
    @Option(names = "--lease-seconds", paramLabel = "S", defaultValue = "1200",
            description = "How long a work lease (GET /api/v1/ecm-work) holds without a heartbeat; expired work returns to"
                    + " the pool by itself. Default: ${DEFAULT-VALUE}.")
    private long leaseSeconds;

    @Option(names = "--admin-key", hidden = true, paramLabel = "KEY")
    private String removedAdminKey;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "--port must be 0..65535");
        }
        if (removedAdminKey != null) {
            throw new ParameterException(spec.commandLine(), "--admin-key was removed: a key on the command line is visible"
                    + " to every user in ps. Set ADMIN_API_KEY, or ADMIN_API_KEY_FILE naming a file that holds the key");
        }
        ServerSettings settings;
        try {
            settings = new ServerSettings(AdminKey.fromEnvironment(System.getenv()), maxDigits, maxBodyBytes,
                    Duration.ofMillis(checkMillis), ratePerMinute, rateBurst, Duration.ofSeconds(5), Duration.ofSeconds(leaseSeconds));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Database database;
        if (dbUrl != null) {
            database = Database.connect(dbUrl, dbUser, System.getenv(dbPasswordEnv));
        } else {
            Files.createDirectories(dataDir);
            Logging.configure(false, dataDir.resolve("server.log"));
            database = Database.embedded(dataDir);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        try (database; ResultsServer server = new ResultsServer(database, settings, Clock.systemUTC()).start(host, port)) {
            spec.commandLine().getOut().printf("ecmpipe server on http://%s:%d/ (stop with Ctrl-C)%n", host, server.port());
            spec.commandLine().getOut().flush();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                stopped.countDown();
            }, "server-shutdown"));
            stopped.await();
        }
        return ExitCodes.OK;
    }
}
