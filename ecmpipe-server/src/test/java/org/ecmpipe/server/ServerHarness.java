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
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** A real results server on loopback over one test database, and an HTTP client for it. */
final class ServerHarness implements AutoCloseable {
    static final BigInteger P = new BigInteger("935351532923");
    static final BigInteger Q = new BigInteger("694054231308167");
    static final BigInteger R = new BigInteger("3909165807099954745401733901978040965723");
    static final BigInteger N = P.multiply(Q).multiply(R);
    static final String ADMIN_KEY = "s3cret-admin-key";

    final ObjectMapper mapper = new ObjectMapper();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final Database database;
    final ResultsServer server;
    final String base;

    ServerHarness(TestDatabases.Kind kind, Path dir, ServerSettings settings) {
        this(kind, dir, settings, Clock.systemUTC());
    }

    ServerHarness(TestDatabases.Kind kind, Path dir, ServerSettings settings, Clock clock) {
        this.database = kind.open().apply(dir);
        this.server = new ResultsServer(database, settings, clock).start("127.0.0.1", 0);
        this.base = "http://127.0.0.1:" + server.port();
    }

    /** A client for another server on {@code port} (owned by the caller; closing this closes nothing). */
    ServerHarness(ServerHarness like, int port) {
        this.database = null;
        this.server = null;
        this.base = "http://127.0.0.1:" + port;
    }

    /** Defaults with the test admin key and no rate limit. */
    static ServerSettings settings() {
        return ServerSettings.defaults(ADMIN_KEY).withRate(0, 1);
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
            database.close();
        }
    }

    ObjectNode submission(String submissionId, List<String> factors) {
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

    JsonNode post(String path, Object body, int expected) throws Exception {
        HttpResponse<String> response = raw("POST", path, body instanceof String s ? s : mapper.writeValueAsString(body), null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(expected);
        return mapper.readTree(response.body());
    }

    HttpResponse<String> raw(String method, String path, String body, String adminKey) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (adminKey != null) {
            b.header("X-Admin-Key", adminKey);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    JsonNode json(String path) throws Exception {
        HttpResponse<String> r = get(path);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return mapper.readTree(r.body());
    }

    /** The composites listing (first page). */
    JsonNode composites(String query) throws Exception {
        return json("/api/v1/composites" + query).get("composites");
    }

    /** Asserts the one error shape: {"detail": "..."} (and "field" when one is at fault). */
    JsonNode assertError(HttpResponse<String> response, int status, String field) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode error = mapper.readTree(response.body());
        assertThat(error.get("detail").isTextual()).as(response.body()).isTrue();
        if (field != null) {
            assertThat(error.path("field").asText()).as(response.body()).isEqualTo(field);
        }
        return error;
    }
}
