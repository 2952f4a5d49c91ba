package org.ecmpipe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ecmpipe.server.ServerHarness.ADMIN_KEY;
import static org.ecmpipe.server.ServerHarness.N;
import static org.ecmpipe.server.ServerHarness.P;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** ecm-wrapper's admin queue routes (bulk, bulk-structured, multipart upload) over real HTTP on H2 and PostgreSQL. */
class AdminQueueTest extends OnEveryDatabase {
    private HttpResponse<String> multipart(String fileText, String... fields) throws Exception {
        String boundary = "ecmpipe-test-boundary";
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < fields.length; i += 2) {
            body.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"").append(fields[i])
                    .append("\"\r\n\r\n").append(fields[i + 1]).append("\r\n");
        }
        body.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"file\"; filename=\"n.txt\"\r\n")
                .append("Content-Type: text/plain\r\n\r\n").append(fileText).append("\r\n--").append(boundary).append("--\r\n");
        return s.http.send(HttpRequest.newBuilder(URI.create(s.base + "/api/v1/admin/composites/upload")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary).header("X-Admin-Key", ADMIN_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void bulkStructuredAndUploadAddReportKnownAndDuplicates(TestDatabases.Kind kind) throws Exception {
        s = new ServerHarness(kind, dir, ServerHarness.settings());
        HttpResponse<String> r = s.raw("POST", "/api/v1/admin/composites/bulk?default_priority=3&project_name=p1&target_t_level=30",
                "[\"" + N + "\",\"" + N + "\",\"(10^71-1)/9\"]", ADMIN_KEY);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode a = s.mapper.readTree(r.body());
        assertThat(a.get("added").asInt()).isEqualTo(2);
        assertThat(a.get("duplicates").get(0).get("index").asInt()).isEqualTo(1);
        JsonNode c = s.json("/api/v1/composites/" + N);
        assertThat(c.get("priority").asInt()).isEqualTo(3);
        assertThat(c.get("target_t_level").asDouble()).isEqualTo(30);
        assertThat(c.get("project").asText()).isEqualTo("p1");
        s.assertError(s.raw("POST", "/api/v1/admin/composites/bulk", "[\"" + N + "\"]", null), 401, "X-Admin-Key");
        s.assertError(s.raw("POST", "/api/v1/admin/composites/bulk", "[\"abc\"]", ADMIN_KEY), 422, "body[0]");

        // a known cofactor counts as known: no second composite for it
        s.post("/api/v1/submit_result", s.submission("f", List.of(P.toString())), 200);
        String cofactor = N.divide(P).toString();
        r = s.raw("POST", "/api/v1/admin/composites/bulk-structured", "{\"composites\":[{\"number\":\"" + cofactor
                + "\"},{\"number\":\"(2^107-1)*(2^89-1)\",\"snfs_difficulty\":60,\"priority\":9}],\"default_priority\":1}", ADMIN_KEY);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        a = s.mapper.readTree(r.body());
        assertThat(a.get("added").asInt()).isEqualTo(1);
        assertThat(a.get("known").get(0).asText()).isEqualTo(cofactor);
        java.math.BigInteger m = java.math.BigInteger.TWO.pow(107).subtract(java.math.BigInteger.ONE)
                .multiply(java.math.BigInteger.TWO.pow(89).subtract(java.math.BigInteger.ONE));
        JsonNode stats = s.json("/api/v1/stats/" + m);
        assertThat(stats.get("snfs_difficulty").asInt()).isEqualTo(60);
        assertThat(stats.get("priority").asInt()).isEqualTo(9);
        assertThat(stats.get("target_t_level").asDouble()).isEqualTo(ResultsServer.round3(4.0 * 60 / 13));
        s.assertError(s.raw("POST", "/api/v1/admin/composites/bulk-structured", "{\"composites\":[{\"nummer\":1}]}", ADMIN_KEY),
                422, "composites[0].number");

        // multipart upload: text and CSV
        r = multipart("# two numbers\n" + (java.math.BigInteger.TEN.pow(40).add(java.math.BigInteger.ONE)) + "\n\n" + N + "\n",
                "project_name", "up", "default_priority", "2");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        a = s.mapper.readTree(r.body());
        assertThat(a.get("added").asInt()).isEqualTo(1);
        assertThat(a.get("existing").asInt()).isEqualTo(1);
        r = multipart("number,snfs_difficulty,priority\n" + java.math.BigInteger.TEN.pow(50).add(java.math.BigInteger.valueOf(3))
                + ",45,4\n", "source_type", "auto");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(s.json("/api/v1/stats/" + java.math.BigInteger.TEN.pow(50).add(java.math.BigInteger.valueOf(3)))
                .get("snfs_difficulty").asInt()).isEqualTo(45);
        s.assertError(multipart("number\n12x\n"), 422, "file line 2");
        s.assertError(multipart("1\n", "source_type", "xml"), 422, "source_type");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aMultipartUploadCutShortIsA400AndAddsNothing(TestDatabases.Kind kind) throws Exception {
        s = new ServerHarness(kind, dir, ServerHarness.settings());
        String boundary = "ecmpipe-test-boundary";
        String cut = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"n.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\n" + N + "\n"; // the closing boundary never came
        s.assertError(s.http.send(HttpRequest.newBuilder(URI.create(s.base + "/api/v1/admin/composites/upload"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("X-Admin-Key", ADMIN_KEY).POST(HttpRequest.BodyPublishers.ofString(cut)).build(),
                HttpResponse.BodyHandlers.ofString()), 400, "file");
        assertThat(s.raw("GET", "/api/v1/composites/" + N, null, null).statusCode()).isEqualTo(404);
    }
}
