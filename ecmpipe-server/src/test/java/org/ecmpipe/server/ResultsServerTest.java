package org.ecmpipe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
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

/** The results server over real HTTP on loopback, against H2 and (where available) PostgreSQL. */
class ResultsServerTest {
    private static final BigInteger P = new BigInteger("935351532923");
    private static final BigInteger Q = new BigInteger("694054231308167");
    private static final BigInteger R = new BigInteger("3909165807099954745401733901978040965723");
    private static final BigInteger N = P.multiply(Q).multiply(R);
    private static final String ADMIN_KEY = "s3cret-admin-key";

    private final ObjectMapper mapper = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Database database;
    private ResultsServer server;
    private String base;

    @TempDir
    Path dir;

    static List<TestDatabases.Kind> databases() {
        return TestDatabases.all();
    }

    private void start(TestDatabases.Kind kind) {
        database = kind.open().apply(dir);
        server = new ResultsServer(database, ADMIN_KEY).start("127.0.0.1", 0);
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void storesAttemptsAndFactorsAndAnswersQueries(TestDatabases.Kind kind) throws Exception {
        start(kind);
        assertThat(get("/health").body()).contains("\"status\":\"ok\"");

        JsonNode first = post("/api/v1/submit_result", submission(null, List.of()), 200);
        assertThat(first.get("status").asText()).isEqualTo("success");
        assertThat(first.get("factor_status").asText()).isEqualTo("no_factor");

        ObjectNode withFactor = submission("sub-1", List.of(P.toString()));
        JsonNode second = post("/api/v1/submit_result", withFactor, 200);
        assertThat(second.get("factor_status").asText()).isEqualTo("new_factor");
        assertThat(second.get("composite_id").asLong()).isEqualTo(first.get("composite_id").asLong());

        JsonNode resend = post("/api/v1/submit_result", withFactor, 200);
        assertThat(resend.get("factor_status").asText()).isEqualTo("duplicate");
        assertThat(resend.get("attempt_id").asLong()).isEqualTo(second.get("attempt_id").asLong());

        JsonNode again = post("/api/v1/submit_result", submission("sub-2", List.of(P.toString())), 200);
        assertThat(again.get("factor_status").asText()).isEqualTo("known_factor");

        JsonNode view = mapper.readTree(get("/api/v1/composites/" + N).body());
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

        post("/api/v1/submit_result", submission("sub-3", List.of(Q.toString())), 200);
        JsonNode done = mapper.readTree(get("/api/v1/composites/" + N).body());
        assertThat(done.get("status").asText()).isEqualTo("fully_factored");
        assertThat(done.get("cofactor").asText()).isEqualTo(R.toString());
        assertThat(mapper.readTree(get("/api/v1/composites?status=fully_factored").body())).hasSize(1);
        assertThat(mapper.readTree(get("/api/v1/composites?status=composite").body())).isEmpty();
        assertThat(get("/api/v1/composites/12345").statusCode()).isEqualTo(404);
        assertThat(get("/").body()).contains("<table>", P.toString(), "fully_factored", "11000, 1873422: 96");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void badInputGetsClearJsonErrorsAndStoresNothing(TestDatabases.Kind kind) throws Exception {
        start(kind);
        assertThat(raw("/api/v1/submit_result", "{not json", null).statusCode()).isEqualTo(400);
        assertError(submission("x", List.of()).put("composite", "12ab"), 422, "composite");
        assertError(submission("x", List.of("7")), 422, "results.factors_found[0].factor");
        ObjectNode negative = submission("x", List.of());
        ((ObjectNode) negative.get("results")).put("curves_completed", -1);
        assertError(negative, 422, "results.curves_completed");
        assertError(submission("x", List.of()).put("method", "magic"), 422, "method");
        ObjectNode noB1 = submission("x", List.of());
        ((ObjectNode) noB1.get("parameters")).remove("b1");
        assertError(noB1, 422, "parameters.b1");
        HttpResponse<String> huge = raw("/api/v1/submit_result", "{\"raw_output\":\"" + "x".repeat(1_100_000) + "\"}", null);
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(huge.body()).contains("\"status\":\"error\"");
        assertThat(mapper.readTree(get("/api/v1/composites").body())).as("nothing stored").isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void adminUploadNeedsTheKey(TestDatabases.Kind kind) throws Exception {
        start(kind);
        String body = "{\"project\":\"cunningham\",\"composites\":[\"" + N + "\",\"(10^71-1)/9\"]}";
        assertThat(raw("/api/v1/admin/composites", body, null).statusCode()).isEqualTo(401);
        assertThat(raw("/api/v1/admin/composites", body, "wrong").statusCode()).isEqualTo(401);
        HttpResponse<String> ok = raw("/api/v1/admin/composites", body, ADMIN_KEY);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(mapper.readTree(ok.body()).get("added").asInt()).isEqualTo(2);
        assertThat(mapper.readTree(raw("/api/v1/admin/composites", body, ADMIN_KEY).body()).get("existing").asInt()).isEqualTo(2);
        assertThat(mapper.readTree(get("/api/v1/composites?project=cunningham").body())).hasSize(2);
        assertThat(raw("/api/v1/admin/composites", "{\"composites\":[\"10/3\"]}", ADMIN_KEY).statusCode()).isEqualTo(422);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void hundredConcurrentSubmissionsForOneCompositeAreEachStoredOnce(TestDatabases.Kind kind) throws Exception {
        start(kind);
        int count = 100;
        List<Callable<JsonNode>> calls = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            // half carry a new-or-known factor; a quarter are resends of an earlier submission id
            String id = "sub-" + (i % 75);
            List<String> factors = i % 2 == 0 ? List.of(i % 4 == 0 ? P.toString() : Q.toString()) : List.of();
            ObjectNode body = submission(id, factors);
            calls.add(() -> post("/api/v1/submit_result", body, 200));
        }
        Set<Long> attemptIds = new HashSet<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(32)) {
            for (Future<JsonNode> f : pool.invokeAll(calls)) {
                attemptIds.add(f.get().get("attempt_id").asLong());
            }
        }
        assertThat(attemptIds).as("one attempt per submission id").hasSize(75);
        JsonNode view = mapper.readTree(get("/api/v1/composites/" + N).body());
        assertThat(view.get("attempt_count").asInt()).isEqualTo(75);
        assertThat(mapper.readTree(get("/api/v1/composites").body())).hasSize(1);
        assertThat(view.get("factors")).hasSize(2);
        assertThat(view.get("cofactor").asText()).isEqualTo(R.toString());
        assertThat(view.get("status").asText()).isEqualTo("fully_factored");
    }

    private ObjectNode submission(String submissionId, List<String> factors) {
        ObjectNode body = mapper.createObjectNode();
        body.put("composite", N.toString()).put("project", "test").put("client_id", "alice-box1").put("method", "ecm")
                .put("program", "gmp-ecm").put("program_version", "7.0.5");
        if (submissionId != null) {
            body.put("submission_id", submissionId);
        }
        body.putObject("parameters").put("b1", 11000).put("b2", 1873422).put("curves", 24).put("parametrization", 3)
                .put("sigma", "3:12345");
        ObjectNode results = body.putObject("results");
        results.put("factor_found", factors.isEmpty() ? null : factors.getFirst()).put("curves_completed", 24)
                .put("execution_time", 1.5);
        var list = results.putArray("factors_found");
        factors.forEach(f -> list.addObject().put("factor", f).put("sigma", "3:12345"));
        body.put("extra_field_from_a_newer_client", true);
        return body;
    }

    private void assertError(ObjectNode body, int status, String field) throws Exception {
        HttpResponse<String> response = raw("/api/v1/submit_result", mapper.writeValueAsString(body), null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode error = mapper.readTree(response.body());
        assertThat(error.get("status").asText()).isEqualTo("error");
        assertThat(error.get("errors").get(0).get("field").asText()).isEqualTo(field);
    }

    private JsonNode post(String path, ObjectNode body, int expected) throws Exception {
        HttpResponse<String> response = raw(path, mapper.writeValueAsString(body), null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(expected);
        return mapper.readTree(response.body());
    }

    private HttpResponse<String> raw(String path, String body, String adminKey) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (adminKey != null) {
            b.header("X-Admin-Key", adminKey);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

}
