package org.ecmpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.ecmpipe.server.Database;
import org.ecmpipe.server.ResultsServer;
import org.ecmpipe.server.ServerSettings;

/** A real results server on 127.0.0.1 for fleet tests (embedded H2 in a temp dir), with the queries they check. */
final class FleetServer implements AutoCloseable {
    static final String ADMIN_KEY = "fleet-test-admin-key";
    final Database database;
    private final ServerSettings settings;
    private ResultsServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final ObjectMapper mapper = new ObjectMapper();
    private int port;

    FleetServer(Path dir, Duration leaseTime) {
        this(dir, leaseTime, false);
    }

    /** @param postgres on the PostgreSQL of {@code ECMPIPE_TEST_POSTGRES_URL} (emptied first), else H2 in {@code dir} */
    FleetServer(Path dir, Duration leaseTime, boolean postgres) {
        if (postgres) {
            database = Database.connect(System.getenv("ECMPIPE_TEST_POSTGRES_URL"), System.getenv("ECMPIPE_TEST_POSTGRES_USER"),
                    System.getenv("ECMPIPE_TEST_POSTGRES_PASSWORD"));
            database.jdbi().useHandle(h -> h.execute("TRUNCATE factors, attempts, composites RESTART IDENTITY CASCADE"));
        } else {
            database = Database.embedded(dir);
        }
        settings = ServerSettings.defaults(ADMIN_KEY).withLeaseTime(leaseTime).withRate(0, 1);
        start(0);
    }

    /** (Re)starts the server, on {@code port} (0 for any). */
    /** The databases to run on: H2, and PostgreSQL when {@code ECMPIPE_TEST_POSTGRES_URL} names one. */
    static List<Boolean> databases() {
        String url = System.getenv("ECMPIPE_TEST_POSTGRES_URL");
        return url == null || url.isBlank() ? List.of(false) : List.of(false, true);
    }

    void start(int onPort) {
        server = new ResultsServer(database, settings, Clock.systemUTC()).start("127.0.0.1", onPort);
        port = server.port();
    }

    /** Stops the HTTP server (the database stays): the fleet sees the server down. */
    void stopHttp() {
        server.close();
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    void add(List<BigInteger> numbers, double targetT) throws Exception {
        String body = mapper.createObjectNode().put("target_t_level", targetT)
                .set("composites", mapper.valueToTree(numbers.stream().map(BigInteger::toString).toList())).toString();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url() + "/api/v1/admin/composites"))
                .header("X-Admin-Key", ADMIN_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    JsonNode composite(BigInteger n) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url() + "/api/v1/composites/" + n)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return mapper.readTree(r.body());
    }

    /** The factors the server holds for {@code n}. */
    List<BigInteger> factors(BigInteger n) throws Exception {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT f.factor FROM factors f JOIN composites c ON c.id = f.composite_id"
                + " WHERE c.number = :n").bind("n", n.toString()).mapTo(String.class).list()).stream().map(BigInteger::new).toList();
    }

    long count(String sql) {
        return database.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    List<Map<String, Object>> rows(String sql) {
        return database.jdbi().withHandle(h -> h.createQuery(sql).mapToMap().list());
    }

    /**
     * Leases still marked active whose time has run out: a worker holding a lease renews it by heartbeat, so these were
     * granted but never reached a worker (the server went down between committing the lease and sending the answer),
     * and the server leases their curves again once they expire.
     */
    long leasesNeverReceived() {
        java.time.OffsetDateTime now = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC);
        return database.jdbi().withHandle(h -> h.createQuery(
                "SELECT COUNT(*) FROM work_leases WHERE status = 'active' AND expires_at <= :now").bind("now", now)
                .mapTo(Long.class).one());
    }

    /**
     * No curve credited twice: each completed lease has exactly one stage-1 (B2 = 0) or whole (both) attempt, no
     * lease is still active, every residue was completed by exactly one stage-2 attempt, and each stage-1 attempt moved
     * at most its own curves to stage 2.
     */
    void assertCreditedOnce(boolean stage1Role) {
        assertCreditedOnce(stage1Role, 0, 1);
    }

    void assertCreditedOnce(boolean stage1Role, int killed) {
        assertCreditedOnce(stage1Role, killed, 1);
    }

    /**
     * @param killed leases of killed workers, left active on the server until they expire (never completed)
     * @param batch the GPU's batch size: a GPU runs whole batches, so a lease's curves are rounded up to it (1: CPU)
     */
    void assertCreditedOnce(boolean stage1Role, int killed, int batch) {
        assertThat(count("SELECT COUNT(*) FROM work_leases WHERE status = 'active'")).isEqualTo(killed);
        long leases = count("SELECT COUNT(*) FROM work_leases WHERE status = 'completed'");
        assertThat(leases).isPositive();
        if (stage1Role) {
            assertThat(count("SELECT COUNT(*) FROM attempts WHERE b2 = 0")).isEqualTo(leases);
            assertThat(count("SELECT COUNT(*) FROM residues WHERE status <> 'completed'")).isZero();
            // every stage 1 uploaded its residues (split by N when ecm went on with a cofactor after a factor)
            assertThat(count("SELECT COUNT(DISTINCT stage1_attempt_id) FROM residues")).isEqualTo(count("SELECT COUNT(*) FROM attempts WHERE b2 = 0"));
            assertThat(count("SELECT COUNT(*) FROM residues")).isPositive();
            assertThat(count("SELECT COUNT(DISTINCT stage2_attempt_id) FROM residues")).isEqualTo(count("SELECT COUNT(*) FROM residues"));
            assertThat(count("SELECT COUNT(*) FROM attempts WHERE residue_id IS NOT NULL")).isEqualTo(count("SELECT COUNT(*) FROM residues"));
            assertThat(count("SELECT COUNT(*) FROM attempts WHERE stage2_credited > stage1_curves")).isZero();
            assertThat(count("SELECT COALESCE(SUM(stage2_credited), 0) FROM attempts"))
                    .isEqualTo(count("SELECT COALESCE(SUM(stage2_curves), 0) FROM attempts WHERE residue_id IS NOT NULL"));
            assertThat(count("SELECT COALESCE(SUM(curve_count), 0) FROM residues"))
                    .as("residues %s; attempts %s", rows("SELECT id, client_id, stage1_attempt_id, curve_count FROM residues ORDER BY id"),
                            rows("SELECT id, client_id, b1, b2, curves_completed, stage1_curves, stage2_curves, stage2_credited,"
                                    + " residue_id FROM attempts ORDER BY id"))
                    .isLessThanOrEqualTo(count("SELECT COALESCE(SUM(stage1_curves), 0) FROM attempts WHERE b2 = 0"));
        } else {
            assertThat(count("SELECT COUNT(*) FROM attempts")).isEqualTo(leases);
        }
        assertThat(count("SELECT COALESCE(SUM(curves_completed), 0) FROM attempts WHERE b2 = 0 OR residue_id IS NULL"))
                .as("attempts %s; leases %s", rows("SELECT id, client_id, b1, b2, curves_requested, curves_completed, stage1_curves,"
                        + " stage2_curves, stage2_credited, residue_id FROM attempts ORDER BY id"),
                        rows("SELECT client_id, status, curves, leased_at FROM work_leases ORDER BY leased_at"))
                .isLessThanOrEqualTo(count("SELECT COALESCE(SUM((curves + " + (batch - 1) + ") / " + batch + " * " + batch
                        + "), 0) FROM work_leases WHERE status = 'completed'"));
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
        database.close();
    }
}
