package org.ecmpipe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ecmpipe.server.ServerHarness.ADMIN_KEY;
import static org.ecmpipe.server.ServerHarness.N;
import static org.ecmpipe.server.ServerHarness.P;
import static org.ecmpipe.server.ServerHarness.Q;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Work leasing over real HTTP on H2 and PostgreSQL: concurrent leasers (one server; two servers on one database)
 * never lease more curves than a composite's gap needs; expiry by an injected clock; cancellation after a factor.
 */
class WorkLeasingTest {
    private final List<AutoCloseable> open = new ArrayList<>();

    @TempDir
    Path dir;

    static List<TestDatabases.Kind> databases() {
        return TestDatabases.all();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    /** A clock the test moves by hand (no sleeps). */
    static final class HandClock extends Clock {
        volatile Instant now = Instant.parse("2026-11-25T10:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private ServerHarness start(TestDatabases.Kind kind, Clock clock) {
        ServerHarness s = new ServerHarness(kind, dir, ServerHarness.settings().withLeaseTime(Duration.ofSeconds(1200)), clock);
        open.add(s);
        return s;
    }

    private static void add(ServerHarness s, String composites, double target) throws Exception {
        HttpResponse<String> r = s.raw("POST", "/api/v1/admin/composites",
                "{\"composites\":[" + composites + "],\"target_t_level\":" + target + "}", ADMIN_KEY);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private static JsonNode lease(ServerHarness s, String client, int maxCurves) throws Exception {
        return s.json("/api/v1/ecm-work?client_id=" + client + "&max_curves=" + maxCurves);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void leaseCarriesTheWorkAndExpiresUnlessHeartbeated(TestDatabases.Kind kind) throws Exception {
        HandClock clock = new HandClock();
        ServerHarness s = start(kind, clock);
        add(s, "\"" + N + "\"", 30);
        JsonNode c = s.json("/api/v1/composites/" + N);
        long gap = c.get("curves_to_target").asLong();
        assertThat(gap).isPositive();

        s.assertError(s.get("/api/v1/ecm-work"), 422, "client_id");
        JsonNode a = lease(s, "alice", 1_000_000);
        assertThat(a.get("composite").asText()).isEqualTo(N.toString());
        assertThat(a.get("b1").asLong()).isEqualTo(c.get("next_b1").asLong());
        assertThat(a.get("b2").isNull()).isTrue();
        assertThat(a.get("curves").asLong()).isEqualTo(gap);
        assertThat(a.get("param").asInt()).isEqualTo(1);
        assertThat(a.get("target_t_level").asDouble()).isEqualTo(30);
        assertThat(a.get("expires_at").asText()).isEqualTo("2026-11-25T10:20:00Z");
        s.assertError(s.get("/api/v1/ecm-work?client_id=gpu&param=4"), 422, "param");
        // the whole gap is leased: nothing for bob
        assertThat(lease(s, "bob", 10).get("work_id").isNull()).isTrue();

        // a heartbeat extends the lease; someone else's heartbeat is refused
        String work = a.get("work_id").asText();
        clock.now = clock.now.plusSeconds(1000);
        s.assertError(s.raw("PUT", "/api/v1/work/" + work + "/progress?client_id=bob", null, null), 404, "work_id");
        JsonNode hb = s.mapper.readTree(s.raw("PUT", "/api/v1/work/" + work + "/progress?client_id=alice&curves_completed=5&message=ok",
                null, null).body());
        assertThat(hb.get("status").asText()).isEqualTo("updated");
        assertThat(hb.get("expires_at").asText()).isEqualTo("2026-11-25T10:36:40Z");
        clock.now = clock.now.plusSeconds(1199);
        assertThat(lease(s, "bob", 10).get("work_id").isNull()).isTrue();

        // no heartbeat within the lease time: the curves return to the pool by themselves
        clock.now = clock.now.plusSeconds(2);
        JsonNode b = s.json("/api/v1/ecm-work?client_id=bob&max_curves=10&param=3");
        assertThat(b.get("curves").asInt()).isEqualTo((int) Math.min(10, gap));
        assertThat(b.get("param").asInt()).isEqualTo(3);
        hb = s.mapper.readTree(s.raw("PUT", "/api/v1/work/" + work + "/progress?client_id=alice", null, null).body());
        assertThat(hb.get("status").asText()).isEqualTo("expired");

        // abandon hands the curves back at once; complete is idempotent; unknown ids are 404
        JsonNode gone = s.mapper.readTree(s.raw("DELETE", "/api/v1/work/" + b.get("work_id").asText() + "?reason=sigterm", null, null).body());
        assertThat(gone.get("status").asText()).isEqualTo("abandoned");
        assertThat(gone.get("reason").asText()).isEqualTo("sigterm");
        JsonNode again = lease(s, "carol", 1_000_000);
        assertThat(again.get("curves").asLong()).isEqualTo(gap);
        String path = "/api/v1/work/" + again.get("work_id").asText() + "/complete?client_id=carol";
        assertThat(s.post(path, "", 200).get("status").asText()).isEqualTo("completed");
        assertThat(s.post(path, "", 200).get("status").asText()).isEqualTo("completed");
        s.assertError(s.raw("POST", "/api/v1/work/00000000-0000-0000-0000-000000000000/complete", null, null), 404, "work_id");
        s.assertError(s.raw("POST", "/api/v1/work/nope!/complete", null, null), 422, "work_id");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aFactorMakesTheCofactorTheWorkAndCancelsOtherLeases(TestDatabases.Kind kind) throws Exception {
        ServerHarness s = start(kind, Clock.systemUTC());
        add(s, "\"" + N + "\"", 30);
        JsonNode a = lease(s, "alice", 5);
        JsonNode b = lease(s, "bob", 5);
        assertThat(a.get("work_id").asText()).isNotEqualTo(b.get("work_id").asText());
        s.post("/api/v1/submit_result", s.submission("found", List.of(P.toString())), 200);

        JsonNode hb = s.mapper.readTree(s.raw("PUT", "/api/v1/work/" + b.get("work_id").asText() + "/progress?client_id=bob", null, null).body());
        assertThat(hb.get("status").asText()).isEqualTo("cancelled");
        assertThat(hb.get("message").asText()).contains("factor");
        JsonNode next = lease(s, "carol", 5);
        assertThat(next.get("composite").asText()).isEqualTo(N.divide(P).toString());
        assertThat(next.get("digit_length").asInt()).isEqualTo(N.divide(P).toString().length());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void workOnACofactorThatWasLeasedBeforeAnotherFactorLandsOnTheOriginalComposite(TestDatabases.Kind kind) throws Exception {
        // a worker leases the cofactor N/P; meanwhile another factor (Q) is found and the cofactor moves on to R; the
        // worker's result on the old cofactor N/P must count for N, not create a composite of its own
        ServerHarness s = start(kind, Clock.systemUTC());
        add(s, "\"" + N + "\"", 30);
        JsonNode first = s.post("/api/v1/submit_result", s.submission("found-p", List.of(P.toString())), 200);
        BigInteger oldCofactor = N.divide(P);
        assertThat(lease(s, "alice", 5).get("composite").asText()).isEqualTo(oldCofactor.toString());
        s.post("/api/v1/submit_result", s.submission("found-q", List.of(Q.toString())), 200);

        var late = s.submission("alice-late", List.of());
        late.put("composite", oldCofactor.toString());
        JsonNode answer = s.post("/api/v1/submit_result", late, 200);

        assertThat(answer.get("composite_id").asLong()).isEqualTo(first.get("composite_id").asLong());
        assertThat(s.json("/api/v1/composites").get("total").asInt()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void concurrentLeasersOnOneServerNeverExceedTheGap(TestDatabases.Kind kind) throws Exception {
        concurrentLeasing(kind, false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void concurrentLeasersOnTwoServersSharingOneDatabaseNeverExceedTheGap(TestDatabases.Kind kind) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(kind.name().equals("PostgreSQL"), "H2 embedded allows one server process");
        concurrentLeasing(kind, true);
    }

    private void concurrentLeasing(TestDatabases.Kind kind, boolean twoServers) throws Exception {
        ServerHarness s = start(kind, Clock.systemUTC());
        ServerHarness second = s;
        if (twoServers) {
            Database db = kind.join().apply(dir);
            ResultsServer other = new ResultsServer(db, ServerHarness.settings(), Clock.systemUTC()).start("127.0.0.1", 0);
            open.add(db);
            open.add(other);
            second = new ServerHarness(s, other.port());
        }
        String numbers = "\"" + N + "\",\"" + N.divide(P) + "\",\"(10^71-1)/9\"";
        add(s, numbers, 25);
        long total = 0;
        for (JsonNode c : s.composites("")) {
            total += c.get("curves_to_target").asLong();
        }
        assertThat(total).isPositive();
        int threads = 12;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<List<JsonNode>>> futures = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            ServerHarness target = i % 2 == 0 ? s : second;
            String client = "worker-" + i;
            Callable<List<JsonNode>> leaser = () -> {
                List<JsonNode> got = new ArrayList<>();
                while (true) {
                    JsonNode l = lease(target, client, 7);
                    if (l.get("work_id").isNull()) {
                        return got;
                    }
                    got.add(l);
                }
            };
            futures.add(pool.submit(leaser));
        }
        Set<String> ids = new HashSet<>();
        java.util.Map<String, Long> leasedPerComposite = new java.util.HashMap<>();
        int leases = 0;
        for (Future<List<JsonNode>> f : futures) {
            for (JsonNode l : f.get()) {
                leases++;
                ids.add(l.get("work_id").asText());
                leasedPerComposite.merge(l.get("composite").asText(), l.get("curves").asLong(), Long::sum);
            }
        }
        pool.shutdown();
        assertThat(ids).hasSize(leases);
        for (JsonNode c : s.composites("")) {
            assertThat(leasedPerComposite.getOrDefault(c.get("cofactor").asText(), 0L)).as(c.get("composite").asText())
                    .isEqualTo(c.get("curves_to_target").asLong());
        }
        assertThat(leasedPerComposite.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(total);
    }
}
