package org.ecmpipe.server;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the server's HTTP tests share: a server ({@code s}, started by each test on the database it is given), a
 * temporary directory, the databases to run on ({@code @MethodSource("databases")}: H2, and PostgreSQL when one is
 * configured), and stopping the server after each test.
 */
abstract class OnEveryDatabase {
    ServerHarness s;

    @TempDir
    Path dir;

    static List<TestDatabases.Kind> databases() {
        return TestDatabases.all();
    }

    @AfterEach
    void stopServer() {
        if (s != null) {
            s.close();
        }
    }
}
