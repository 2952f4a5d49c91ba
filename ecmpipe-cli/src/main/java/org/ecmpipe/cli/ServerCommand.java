package org.ecmpipe.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.ecmpipe.server.Database;
import org.ecmpipe.server.ResultsServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ecmpipe server}: the results server. */
@Command(name = "server", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run the results server: it keeps every composite's ECM attempts and factors, takes submissions"
                + " from ecmpipe and ecm-wrapper clients (POST /api/v1/submit_result), answers queries and shows a"
                + " dashboard at /. Runs until stopped (Ctrl-C).")
public final class ServerCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8000", description = "Port. Default: ${DEFAULT-VALUE}.")
    private int port;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "0.0.0.0",
            description = "Address to listen on. Default: ${DEFAULT-VALUE} (every interface).")
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

    @Option(names = "--admin-key", paramLabel = "KEY",
            description = "Key that admin requests must send in X-Admin-Key. Default: the ECMPIPE_ADMIN_KEY environment"
                    + " variable; without either, admin requests are refused.")
    private String adminKey;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "--port must be 0..65535");
        }
        String key = adminKey != null ? adminKey : System.getenv("ECMPIPE_ADMIN_KEY");
        Database database;
        if (dbUrl != null) {
            database = Database.connect(dbUrl, dbUser, System.getenv(dbPasswordEnv));
        } else {
            Files.createDirectories(dataDir);
            Logging.configure(false, dataDir.resolve("server.log"));
            database = Database.embedded(dataDir);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        try (database; ResultsServer server = new ResultsServer(database, key).start(host, port)) {
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
