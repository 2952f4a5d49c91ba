package org.ecmpipe.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The databases server tests run against: the embedded H2 always, and PostgreSQL when
 * {@code ECMPIPE_TEST_POSTGRES_URL} names one (with {@code ECMPIPE_TEST_POSTGRES_USER} / {@code _PASSWORD}).
 * In CI ({@code CI=true}) a missing PostgreSQL is a failure, not a skip: .ci/run installs and starts one.
 */
final class TestDatabases {
    private TestDatabases() {
    }

    /** @param open a fresh, empty database; {@code join} another pool on the database {@code open} gave */
    record Kind(String name, Function<Path, Database> open, Function<Path, Database> join) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Kind> all() {
        List<Kind> kinds = new ArrayList<>();
        kinds.add(new Kind("H2", Database::embedded, Database::embedded));
        String url = System.getenv("ECMPIPE_TEST_POSTGRES_URL");
        if (url != null && !url.isBlank()) {
            Function<Path, Database> join = dir -> Database.connect(url, System.getenv("ECMPIPE_TEST_POSTGRES_USER"),
                    System.getenv("ECMPIPE_TEST_POSTGRES_PASSWORD"));
            kinds.add(new Kind("PostgreSQL", dir -> {
                Database db = join.apply(dir);
                db.jdbi().useHandle(h -> h.execute("TRUNCATE factors, attempts, composites RESTART IDENTITY CASCADE"));
                return db;
            }, join));
        } else if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI must test PostgreSQL: set ECMPIPE_TEST_POSTGRES_URL (see .ci/run)");
        }
        return kinds;
    }
}
