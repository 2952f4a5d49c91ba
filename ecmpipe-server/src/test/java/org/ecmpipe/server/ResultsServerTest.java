package org.ecmpipe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ecmpipe.server.ServerHarness.ADMIN_KEY;
import static org.ecmpipe.server.ServerHarness.N;
import static org.ecmpipe.server.ServerHarness.P;
import static org.ecmpipe.server.ServerHarness.Q;
import static org.ecmpipe.server.ServerHarness.R;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.StatementContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The results server over real HTTP on loopback, against H2 and (where available) PostgreSQL. */
class ResultsServerTest {
    private ServerHarness s;

    @TempDir
    Path dir;

    static List<TestDatabases.Kind> databases() {
        return TestDatabases.all();
    }

    private ServerHarness start(TestDatabases.Kind kind, ServerSettings settings) {
        s = new ServerHarness(kind, dir, settings);
        return s;
    }

    @AfterEach
    void stop() {
        if (s != null) {
            s.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void storesAttemptsAndFactorsAndAnswersQueries(TestDatabases.Kind kind) throws Exception {
        start(kind, ServerHarness.settings());
        assertThat(s.get("/health").body()).contains("\"status\":\"ok\"");

        JsonNode first = s.post("/api/v1/submit_result", s.submission("sub-0", List.of()), 200);
        assertThat(first.get("status").asText()).isEqualTo("success");
        assertThat(first.get("factor_status").asText()).isEqualTo("no_factor");

        ObjectNode withFactor = s.submission("sub-1", List.of(P.toString()));
        ((ObjectNode) withFactor.get("parameters")).put("sigma", "3:777");
        JsonNode second = s.post("/api/v1/submit_result", withFactor, 200);
        assertThat(second.get("factor_status").asText()).isEqualTo("new_factor");
        assertThat(second.get("composite_id").asLong()).isEqualTo(first.get("composite_id").asLong());

        JsonNode resend = s.post("/api/v1/submit_result", withFactor, 200);
        assertThat(resend.get("factor_status").asText()).isEqualTo("duplicate");
        assertThat(resend.get("attempt_id").asLong()).isEqualTo(second.get("attempt_id").asLong());

        ObjectNode again = s.submission("sub-2", List.of(P.toString()));
        ((ObjectNode) again.get("parameters")).put("sigma", "3:778");
        assertThat(s.post("/api/v1/submit_result", again, 200).get("factor_status").asText()).isEqualTo("known_factor");

        JsonNode view = s.json("/api/v1/composites/" + N);
        assertThat(view.get("status").asText()).isEqualTo("composite");
        assertThat(view.get("digits").asInt()).isEqualTo(N.toString().length());
        assertThat(view.get("cofactor").asText()).isEqualTo(Q.multiply(R).toString());
        assertThat(view.get("attempt_count").asInt()).isEqualTo(3);
        assertThat(view.get("factors")).singleElement().satisfies(f -> {
            assertThat(f.get("factor").asText()).isEqualTo(P.toString());
            assertThat(f.get("prime").asBoolean()).isTrue();
            assertThat(f.get("sigma").asText()).isEqualTo("3:12345");
            assertThat(f.get("client_id").asText()).isEqualTo("alice-box1");
            assertThat(f.get("found_at").asText()).isNotEmpty();
        });
        assertThat(view.get("curves_by_b1")).singleElement().satisfies(e -> {
            assertThat(e.get("b1").asText()).isEqualTo("11000");
            assertThat(e.get("b2").asText()).isEqualTo("1873422");
            assertThat(e.get("curves").asLong()).isEqualTo(3 * 24);
        });

        ObjectNode third = s.submission("sub-3", List.of(Q.toString()));
        ((ObjectNode) third.get("parameters")).put("sigma", "3:779");
        s.post("/api/v1/submit_result", third, 200);
        JsonNode done = s.json("/api/v1/composites/" + N);
        assertThat(done.get("status").asText()).isEqualTo("fully_factored");
        assertThat(done.get("cofactor").asText()).isEqualTo(R.toString());
        assertThat(s.composites("?status=fully_factored")).hasSize(1);
        assertThat(s.composites("?status=composite")).isEmpty();
        s.assertError(s.get("/api/v1/composites/12345"), 404, "number");
        assertThat(s.get("/composites").body()).contains("<table id=\"composites\">", P.toString(), "fully factored", "11000, 1873422: 96");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void idempotencyByWorkHashAndSubmissionIdWithoutSideEffects(TestDatabases.Kind kind) throws Exception {
        start(kind, ServerHarness.settings());
        ObjectNode body = s.submission("id-1", List.of(P.toString()));
        long attempt = s.post("/api/v1/submit_result", body, 200).get("attempt_id").asLong();
        // ecm-wrapper semantics: the same work (same sigma, bounds, curves) under a new submission id is a duplicate
        ObjectNode sameWork = body.deepCopy().put("submission_id", "id-2");
        JsonNode dup = s.post("/api/v1/submit_result", sameWork, 200);
        assertThat(dup.get("factor_status").asText()).isEqualTo("duplicate");
        assertThat(dup.get("attempt_id").asLong()).isEqualTo(attempt);
        // a submission id reused for another number: 409, and no row for that number appears
        ObjectNode other = s.submission("id-1", List.of()).put("composite", "1000000016000000063");
        s.assertError(s.raw("POST", "/api/v1/submit_result", s.mapper.writeValueAsString(other), null), 409, "submission_id");
        // a submission id reused with other curves on the same number: 409 too
        ObjectNode moreCurves = body.deepCopy();
        ((ObjectNode) moreCurves.get("results")).put("curves_completed", 25);
        s.assertError(s.raw("POST", "/api/v1/submit_result", s.mapper.writeValueAsString(moreCurves), null), 409, "submission_id");
        // rejected for a bad factor: no composite row either
        ObjectNode badFactor = s.submission("id-9", List.of("7")).put("composite", "1000000016000000063");
        s.assertError(s.raw("POST", "/api/v1/submit_result", s.mapper.writeValueAsString(badFactor), null), 422,
                "results.factors_found[0].factor");
        assertThat(s.composites("")).hasSize(1);
        assertThat(s.json("/api/v1/composites/" + N).get("attempt_count").asInt()).isEqualTo(1);
        // without a sigma there is no work identity: two submissions without ids are two attempts (as ecm-wrapper)
        for (int i = 0; i < 2; i++) {
            ObjectNode noSigma = s.submission(null, List.of());
            ((ObjectNode) noSigma.get("parameters")).remove("sigma");
            assertThat(s.post("/api/v1/submit_result", noSigma, 200).get("factor_status").asText()).isEqualTo("no_factor");
        }
        assertThat(s.json("/api/v1/composites/" + N).get("attempt_count").asInt()).isEqualTo(3);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void factorBookkeepingIsOrderFreeSplitsCompositeFactorsAndFollowsCofactors(TestDatabases.Kind kind) throws Exception {
        start(kind, ServerHarness.settings());
        // a composite factor first: the cofactor is R, the composite is not fully factored
        s.post("/api/v1/submit_result", withSigma(s.submission("a", List.of(P.multiply(Q).toString())), "3:1"), 200);
        JsonNode v = s.json("/api/v1/composites/" + N);
        assertThat(v.get("cofactor").asText()).isEqualTo(R.toString());
        assertThat(v.get("status").asText()).isEqualTo("composite");
        assertThat(v.get("factors")).singleElement().satisfies(f -> assertThat(f.get("prime").asBoolean()).isFalse());
        // a trivial factor (1 or N itself) is skipped with 200, as ecm-wrapper does
        JsonNode trivial = s.post("/api/v1/submit_result", withSigma(s.submission("b", List.of(N.toString())), "3:2"), 200);
        assertThat(trivial.get("factor_status").asText()).isEqualTo("no_factor");
        assertThat(trivial.get("message").asText()).contains("trivial");
        // Q on N splits the stored P*Q: P and Q are stored, N is fully factored whatever the order of the facts
        ObjectNode splitting = withSigma(s.submission("c", List.of(Q.toString())), "1:3");
        ((ObjectNode) splitting.get("parameters")).remove("parametrization");
        s.post("/api/v1/submit_result", splitting, 200);
        v = s.json("/api/v1/composites/" + N);
        assertThat(v.get("status").asText()).isEqualTo("fully_factored");
        assertThat(v.get("cofactor").asText()).isEqualTo(R.toString());
        List<String> factors = new ArrayList<>();
        v.get("factors").forEach(f -> factors.add(f.get("factor").asText() + ":" + f.get("prime").asText()));
        assertThat(factors).containsExactlyInAnyOrder(P.multiply(Q) + ":false", P + ":true", Q + ":true");
        // the parametrization came from the sigma's prefix
        var rows = s.database.jdbi().withHandle(h -> h.createQuery("SELECT sigma, parametrization FROM attempts ORDER BY id")
                .mapToMap().list());
        assertThat(rows).as(rows.toString()).anySatisfy(row -> {
            assertThat(row.get("sigma")).isEqualTo("1:3");
            assertThat(((Number) row.get("parametrization")).intValue()).isEqualTo(1);
        });
        // the same facts in the other order (Q, then P*Q) give the same state
        String m = N.multiply(java.math.BigInteger.valueOf(1_000_003)).toString();
        s.post("/api/v1/submit_result", withSigma(s.submission("d", List.of(Q.toString())).put("composite", m), "3:5"), 200);
        s.post("/api/v1/submit_result", withSigma(s.submission("e", List.of(P.multiply(Q).toString())).put("composite", m), "3:6"), 200);
        JsonNode w = s.json("/api/v1/composites/" + m);
        assertThat(w.get("cofactor").asText()).isEqualTo(R.multiply(java.math.BigInteger.valueOf(1_000_003)).toString());
        assertThat(w.get("status").asText()).isEqualTo("composite");
        assertThat(w.get("factors")).hasSize(2);
        // a submission on that cofactor (the number as clients now see it) attaches to m and completes it
        String cofactor = w.get("cofactor").asText();
        JsonNode onCofactor = s.post("/api/v1/submit_result",
                withSigma(s.submission("f", List.of("1000003")).put("composite", cofactor), "3:7"), 200);
        assertThat(onCofactor.get("factor_status").asText()).isEqualTo("new_factor");
        JsonNode done = s.json("/api/v1/composites/" + m);
        assertThat(done.get("status").asText()).isEqualTo("fully_factored");
        assertThat(done.get("attempt_count").asInt()).isEqualTo(3);
        assertThat(s.composites("")).hasSize(2);
    }

    private static ObjectNode withSigma(ObjectNode body, String sigma) {
        ((ObjectNode) body.get("parameters")).put("sigma", sigma);
        ((ObjectNode) body.get("results")).putArray("factors_found");
        JsonNode single = body.get("results").get("factor_found");
        if (single != null && !single.isNull()) {
            ((com.fasterxml.jackson.databind.node.ArrayNode) body.get("results").get("factors_found")).addObject()
                    .put("factor", single.asText()).put("sigma", sigma);
        }
        return body;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void listingsArePagedWithAFixedNumberOfQueries(TestDatabases.Kind kind) throws Exception {
        start(kind, ServerHarness.settings());
        List<String> numbers = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            numbers.add(N.add(java.math.BigInteger.valueOf(2L * i)).toString());
        }
        assertThat(s.raw("POST", "/api/v1/admin/composites", "{\"project\":\"p\",\"composites\":"
                + s.mapper.writeValueAsString(numbers) + "}", ADMIN_KEY).statusCode()).isEqualTo(200);
        for (int i = 0; i < 30; i += 3) {
            ObjectNode b = s.submission("l" + i, List.of()).put("composite", numbers.get(i));
            s.post("/api/v1/submit_result", b, 200);
        }
        AtomicInteger statements = new AtomicInteger();
        s.database.jdbi().setSqlLogger(new SqlLogger() {
            @Override
            public void logAfterExecution(StatementContext context) {
                statements.incrementAndGet();
            }
        });
        JsonNode small = s.json("/api/v1/composites?limit=2");
        int perSmallPage = statements.getAndSet(0);
        JsonNode large = s.json("/api/v1/composites?limit=25&offset=3");
        int perLargePage = statements.getAndSet(0);
        assertThat(perLargePage).isEqualTo(perSmallPage).isLessThanOrEqualTo(5);
        assertThat(small.get("composites")).hasSize(2);
        assertThat(small.get("total").asInt()).isEqualTo(30);
        assertThat(small.get("next_offset").asInt()).isEqualTo(2);
        assertThat(large.get("composites")).hasSize(25);
        assertThat(large.get("composites").get(0).get("composite").asText()).isEqualTo(numbers.get(3));
        assertThat(large.get("composites").get(0).get("attempt_count").asInt()).isEqualTo(1);
        assertThat(large.get("next_offset").asInt()).isEqualTo(28);
        assertThat(s.json("/api/v1/composites?offset=28").get("next_offset").isNull()).isTrue();
        assertThat(s.json("/api/v1/composites").get("limit").asInt()).isEqualTo(ResultsServer.DEFAULT_PAGE);
        statements.set(0);
        assertThat(s.get("/composites?size=2").statusCode()).isEqualTo(200);
        int dashboard = statements.getAndSet(0);
        assertThat(s.get("/composites?size=30").statusCode()).isEqualTo(200);
        assertThat(statements.getAndSet(0)).isEqualTo(dashboard);
        assertThat(s.get("/").statusCode()).isEqualTo(200);
        int overview = statements.getAndSet(0);
        s.get("/composites/1");
        int details = statements.getAndSet(0);
        assertThat(s.get("/leases").statusCode()).isEqualTo(200);
        // a fixed handful of statements a page, whatever its rows (one batched query per kind, never one per row)
        assertThat(List.of(dashboard, overview, details, statements.get())).allMatch(n -> n <= 15);
        s.assertError(s.get("/api/v1/composites?limit=100000"), 422, "limit");
        s.assertError(s.get("/api/v1/composites?offset=-1"), 422, "offset");
        assertThat(s.get("/composites?size=x").statusCode()).isEqualTo(400);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void dashboardEscapesWhatClientsSent(TestDatabases.Kind kind) throws Exception {
        start(kind, ServerHarness.settings());
        ObjectNode body = s.submission("x1", List.of(P.toString())).put("project", "<script>alert('p')</script>&");
        s.post("/api/v1/submit_result", body, 200);
        String html = s.get("/").body();
        assertThat(html).doesNotContain("<script>").contains("&lt;script&gt;alert(&#39;p&#39;)&lt;/script&gt;&amp;");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void adminApiNeedsItsKeyAndIsOffWithoutOne(TestDatabases.Kind kind) throws Exception {
        start(kind, ServerHarness.settings());
        String body = "{\"project\":\"cunningham\",\"composites\":[\"" + N + "\",\"(10^71-1)/9\"]}";
        s.assertError(s.raw("POST", "/api/v1/admin/composites", body, null), 401, "X-Admin-Key");
        s.assertError(s.raw("POST", "/api/v1/admin/composites", body, "wrong"), 401, "X-Admin-Key");
        HttpResponse<String> ok = s.raw("POST", "/api/v1/admin/composites", body, ADMIN_KEY);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(s.mapper.readTree(ok.body()).get("added").asInt()).isEqualTo(2);
        assertThat(s.mapper.readTree(s.raw("POST", "/api/v1/admin/composites", body, ADMIN_KEY).body()).get("existing").asInt()).isEqualTo(2);
        assertThat(s.composites("?project=cunningham")).hasSize(2);
        s.assertError(s.raw("POST", "/api/v1/admin/composites", "{\"composites\":[\"10/3\"]}", ADMIN_KEY), 422, "composites[0]");
        s.assertError(s.raw("POST", "/api/v1/admin/composites", "{\"composites\":[\"" + "9".repeat(20_001) + "\"]}", ADMIN_KEY),
                413, "composites[0]");
        s.assertError(s.raw("POST", "/api/v1/admin/composites", "{\"composites\":[\"10^30000+1\"]}", ADMIN_KEY), 413, "composites[0]");
        HttpResponse<String> huge = s.raw("POST", "/api/v1/admin/composites", "{\"composites\":[\"(10^999999)^999999\"]}", ADMIN_KEY);
        assertThat(s.assertError(huge, 413, "composites[0]").get("detail").asText()).contains("at most 20000 digits");
        s.close();
        s = null;
        start(kind, ServerSettings.defaults(null).withRate(0, 1));
        s.assertError(s.raw("POST", "/api/v1/admin/composites", body, ADMIN_KEY), 403, "X-Admin-Key");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void wrongMethodsSizesRatesAndAnOutageGetTheirStatusInTheOneErrorShape(TestDatabases.Kind kind) throws Exception {
        start(kind, ServerSettings.defaults(ADMIN_KEY).withRate(60, 4).withLimits(100, 4096));
        s.assertError(s.raw("PUT", "/api/v1/submit_result", "{}", null), 405, null);
        s.assertError(s.raw("DELETE", "/api/v1/composites", null, null), 405, null);
        s.assertError(s.get("/nowhere"), 404, null);
        HttpResponse<String> big = s.raw("POST", "/api/v1/submit_result", "{\"raw_output\":\"" + "x".repeat(5000) + "\"}", null);
        assertThat(s.assertError(big, 413, null).get("detail").asText()).contains("4096 bytes");
        // the burst of 4 is used up: the next request is refused with a Retry-After
        HttpResponse<String> limited = s.get("/api/v1/composites");
        assertThat(s.assertError(limited, 429, null).get("detail").asText()).contains("60 requests a minute");
        assertThat(limited.headers().firstValue("Retry-After")).isPresent();
        s.close();
        s = null;

        start(kind, ServerSettings.defaults(ADMIN_KEY).withRate(0, 1).withLimits(100, 100_000));
        HttpResponse<String> digits = s.raw("POST", "/api/v1/submit_result",
                s.mapper.writeValueAsString(s.submission("d", List.of()).put("composite", "1" + "0".repeat(100) + "1")), null);
        assertThat(s.assertError(digits, 413, "composite").get("detail").asText()).contains("at most 100 digits");
        s.database.close(); // the database goes away under a running server
        HttpResponse<String> down = s.raw("POST", "/api/v1/submit_result", s.mapper.writeValueAsString(s.submission("z", List.of())), null);
        s.assertError(down, 503, null);
        assertThat(down.headers().firstValue("Retry-After")).contains("5");
        assertThat(s.get("/health").statusCode()).isEqualTo(503);
        s.assertError(s.get("/api/v1/composites"), 503, null);
    }

    /** PostgreSQL drops every connection of the server (a restart, a failover): answers are 2xx or 503, never 500. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void droppedDatabaseConnectionsGive503NotA500(TestDatabases.Kind kind) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(kind.name().equals("PostgreSQL"), "PostgreSQL only");
        start(kind, ServerHarness.settings());
        s.post("/api/v1/submit_result", s.submission("before", List.of()), 200);
        try (Database admin = kind.join().apply(dir)) {
            for (int round = 0; round < 3; round++) {
                admin.jdbi().useHandle(h -> h.createQuery("""
                        SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                        WHERE datname = current_database() AND pid <> pg_backend_pid()""").mapToMap().list());
                for (int i = 0; i < 5; i++) {
                    ObjectNode body = withSigma(s.submission("after-" + round + "-" + i, List.of()), "3:" + (500 + 10 * round + i));
                    HttpResponse<String> r = s.raw("POST", "/api/v1/submit_result", s.mapper.writeValueAsString(body), null);
                    assertThat(r.statusCode()).as(r.body()).isIn(200, 503);
                    if (r.statusCode() == 503) {
                        assertThat(r.headers().firstValue("Retry-After")).isPresent();
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void hundredConcurrentSubmissionsForOneCompositeAreEachStoredOnce(TestDatabases.Kind kind) throws Exception {
        concurrentSubmissions(kind, false);
    }

    /** Two servers, each with its own connection pool, on one database: the correctness is the database's. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void twoServersSharingOneDatabaseStoreEachSubmissionOnce(TestDatabases.Kind kind) throws Exception {
        concurrentSubmissions(kind, true);
    }

    private void concurrentSubmissions(TestDatabases.Kind kind, boolean twoServers) throws Exception {
        start(kind, ServerHarness.settings());
        Database secondDatabase = twoServers ? kind.join().apply(dir) : null;
        ResultsServer second = twoServers
                ? new ResultsServer(secondDatabase, ServerHarness.settings(), java.time.Clock.systemUTC()).start("127.0.0.1", 0) : null;
        try {
            submitConcurrently(second == null ? null : "http://127.0.0.1:" + second.port());
        } finally {
            if (second != null) {
                second.close();
                secondDatabase.close();
            }
        }
    }

    private void submitConcurrently(String secondBase) throws Exception {
        int count = 100;
        List<Callable<JsonNode>> calls = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            // half carry a new-or-known factor; a quarter are resends of an earlier submission id
            int k = i % 75;
            List<String> factors = k % 2 == 0 ? List.of(k % 4 == 0 ? P.toString() : Q.toString()) : List.of();
            ObjectNode body = withSigma(s.submission("sub-" + k, factors), "3:" + (1000 + k));
            String base = secondBase != null && i % 2 == 1 ? secondBase : s.base;
            calls.add(() -> {
                HttpResponse<String> r = s.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/api/v1/submit_result"))
                        .header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                return s.mapper.readTree(r.body());
            });
        }
        Set<Long> attemptIds = new HashSet<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(32)) {
            for (Future<JsonNode> f : pool.invokeAll(calls)) {
                attemptIds.add(f.get().get("attempt_id").asLong());
            }
        }
        assertThat(attemptIds).as("one attempt per submission id").hasSize(75);
        JsonNode view = s.json("/api/v1/composites/" + N);
        assertThat(view.get("attempt_count").asInt()).isEqualTo(75);
        assertThat(s.composites("")).hasSize(1);
        assertThat(view.get("factors")).hasSize(2);
        assertThat(view.get("cofactor").asText()).isEqualTo(R.toString());
        assertThat(view.get("status").asText()).isEqualTo("fully_factored");
    }
}
