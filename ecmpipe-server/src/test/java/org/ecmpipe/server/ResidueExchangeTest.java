package org.ecmpipe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.ecmpipe.server.ServerHarness.ADMIN_KEY;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.ecmpipe.tlevel.TLevel;
import org.ecmpipe.tlevel.WorkItem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The residue exchange over real HTTP on H2 and PostgreSQL, with residue files written by the real {@code ecm -save}:
 * checksums on upload and download, claims that expire (injected clock), and stage-1 credit moved to stage 2 without
 * counting a curve twice.
 */
class ResidueExchangeTest {
    /** R71 = (10^71-1)/9: factors of 30 and 41 digits, which stage 1 at B1=11000 does not find. */
    static final BigInteger R71 = BigInteger.TEN.pow(71).subtract(BigInteger.ONE).divide(BigInteger.valueOf(9));
    private ServerHarness s;
    private final WorkLeasingTest.HandClock clock = new WorkLeasingTest.HandClock();

    @TempDir
    Path dir;

    static List<TestDatabases.Kind> databases() {
        return TestDatabases.all();
    }

    @AfterEach
    void stop() {
        if (s != null) {
            s.close();
        }
    }

    /** A real GMP-ECM save file: {@code ecm -save FILE -param 3 -c curves 11000 0} on R71. */
    private byte[] ecmSave(String name, int curves) throws Exception {
        Path file = dir.resolve(name);
        Process ecm = new ProcessBuilder("/usr/bin/ecm", "-q", "-save", file.toString(), "-param", "3", "-c", Integer.toString(curves),
                "11000", "0").redirectErrorStream(true).start();
        try {
            ecm.getOutputStream().write((R71 + "\n").getBytes(StandardCharsets.US_ASCII));
            ecm.getOutputStream().close();
            ecm.getInputStream().readAllBytes();
            assertThat(ecm.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            ecm.destroyForcibly();
            ecm.waitFor();
        }
        byte[] content = Files.readAllBytes(file);
        assertThat(new String(content, StandardCharsets.US_ASCII).lines().count()).isEqualTo(curves);
        return content;
    }

    private HttpResponse<String> upload(byte[] content, String client, String query) throws Exception {
        return uploadBody(multipart(content), client, query);
    }

    private static final String BOUNDARY = "residue-boundary";

    private static byte[] multipart(byte[] content) {
        String boundary = BOUNDARY;
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r.save\"\r\n"
                + "Content-Type: text/plain\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[head.length + content.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(content, 0, body, head.length, content.length);
        System.arraycopy(tail, 0, body, head.length + content.length, tail.length);
        return body;
    }

    private HttpResponse<String> uploadBody(byte[] body, String client, String query) throws Exception {
        return s.http.send(HttpRequest.newBuilder(URI.create(s.base + "/api/v1/residues/upload" + query)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY).header("X-Client-ID", client)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> as(String method, String path, String client, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (client != null) {
            b.header("X-Client-ID", client);
        }
        return s.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode ok(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return s.mapper.readTree(r.body());
    }

    private ObjectNode work(String id, String client, BigInteger b2, int curves, int completed) {
        ObjectNode body = s.submission(id, List.of()).put("composite", R71.toString()).put("client_id", client);
        ObjectNode p = body.putObject("parameters").put("b1", 11000).put("parametrization", 3).put("curves", curves);
        if (b2 == null) {
            p.putNull("b2");
        } else {
            p.put("b2", b2);
        }
        ((ObjectNode) body.get("results")).put("curves_completed", completed);
        return body;
    }

    private double tLevel() throws Exception {
        return s.json("/api/v1/stats/" + R71).get("current_t_level").asDouble();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void stage1UploadStage2ClaimAndCompleteCreditEveryCurveOnce(TestDatabases.Kind kind) throws Exception {
        s = new ServerHarness(kind, dir, ServerHarness.settings(), clock);
        ok(s.raw("POST", "/api/v1/admin/composites", "{\"composites\":[\"(10^71-1)/9\"],\"target_t_level\":30}", ADMIN_KEY));
        byte[] file = ecmSave("a.save", 8);
        String sha = ResidueExchange.sha256(file);

        // stage 1 reported as B2=0 work, then its residues uploaded with that attempt
        long a1 = s.post("/api/v1/submit_result", work("s1", "gpu-box", BigInteger.ZERO, 8, 8), 200).get("attempt_id").asLong();
        List<WorkItem> stage1 = List.of(WorkItem.stage1Only(8, 11000, 3));
        assertThat(tLevel()).isCloseTo(ResultsServer.round3(TLevel.of(stage1)), within(1e-9));
        s.assertError(upload(file, "gpu-box", "?stage1_attempt_id=" + a1 + "&checksum=" + "0".repeat(64)), 422, "checksum");
        String text = new String(file, StandardCharsets.US_ASCII);
        int x = text.indexOf("X=0x") + 4;
        byte[] damaged = (text.substring(0, x) + (text.charAt(x) == '1' ? '0' : '1') + text.substring(x + 1)).getBytes(StandardCharsets.US_ASCII);
        assertThat(s.assertError(upload(damaged, "gpu-box", ""), 422, "file").get("detail").asText()).contains("line 1");
        s.assertError(upload(file, "gpu-box", "?stage1_attempt_id=999999"), 422, "stage1_attempt_id");
        s.assertError(upload("hello\n".getBytes(StandardCharsets.US_ASCII), "gpu-box", ""), 422, "file");
        s.assertError(upload(file, "", ""), 422, "X-Client-ID");
        JsonNode up = ok(upload(file, "gpu-box", "?stage1_attempt_id=" + a1 + "&checksum=" + sha));
        assertThat(up.get("curve_count").asInt()).isEqualTo(8);
        assertThat(up.get("b1").asLong()).isEqualTo(11000);
        assertThat(up.get("parametrization").asInt()).isEqualTo(3);
        assertThat(up.get("stage1_attempt_id").asLong()).isEqualTo(a1);
        s.assertError(upload(file, "gpu-box", "?stage1_attempt_id=" + a1), 409, "file");
        // residues waiting for stage 2 count as work on the way: leases give out only the rest of the gap
        long gap = s.json("/api/v1/composites/" + R71).get("curves_to_target").asLong();
        assertThat(s.json("/api/v1/ecm-work?client_id=gpu-box&max_curves=1000000").get("curves").asLong()).isEqualTo(gap - 8);
        assertThat(tLevel()).isCloseTo(ResultsServer.round3(TLevel.of(stage1)), within(1e-9));
        long residue = up.get("residue_id").asLong();

        // one claimer at a time; only the claimer downloads, and gets the bytes with their SHA-256
        JsonNode claim = ok(as("GET", "/api/v1/residues/work", "cpu-box", null));
        assertThat(claim.get("residue_id").asLong()).isEqualTo(residue);
        assertThat(claim.get("suggested_b2").asLong()).isEqualTo(1_100_000);
        assertThat(ok(as("GET", "/api/v1/residues/work", "other-box", null)).get("residue_id").isNull()).isTrue();
        s.assertError(as("GET", "/api/v1/residues/" + residue + "/download", "other-box", null), 403, "X-Client-ID");
        HttpResponse<byte[]> got = s.http.send(HttpRequest.newBuilder(URI.create(s.base + "/api/v1/residues/" + residue + "/download"))
                .header("X-Client-ID", "cpu-box").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(got.body()).isEqualTo(file);
        assertThat(got.headers().firstValue("X-Checksum-SHA256")).hasValue(sha);

        // stage 2 stopped early after 5 of 8 curves: 5 at ecm's default B2, 3 keep B2=0; none counted twice
        long a2 = s.post("/api/v1/submit_result", work("s2", "cpu-box", null, 8, 5), 200).get("attempt_id").asLong();
        List<WorkItem> expected = WorkItem.ofRun(8, 5, 11000, null, true, 3, R71);
        double t = ResultsServer.round3(TLevel.of(expected));
        assertThat(tLevel()).isCloseTo(t, within(1e-9));
        s.assertError(as("POST", "/api/v1/residues/" + residue + "/complete", "other-box", "{\"stage2_attempt_id\":" + a2 + "}"), 403, "X-Client-ID");
        JsonNode done = ok(as("POST", "/api/v1/residues/" + residue + "/complete", "cpu-box", "{\"stage2_attempt_id\":" + a2 + "}"));
        assertThat(done.get("new_t_level").asDouble()).isCloseTo(t, within(1e-9));
        assertThat(done.get("stage1_attempt_id").asLong()).isEqualTo(a1);
        ok(as("POST", "/api/v1/residues/" + residue + "/complete", "cpu-box", "{\"stage2_attempt_id\":" + a2 + "}"));
        s.assertError(as("GET", "/api/v1/residues/" + residue + "/download", "cpu-box", null), 403, "X-Client-ID");
        assertThat(tLevel()).isCloseTo(t, within(1e-9));
        int stored = s.database.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM residues WHERE content IS NOT NULL")
                .mapTo(Integer.class).one());
        assertThat(stored).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void claimsExpireAndReturnToThePoolAndAStage2FromAnotherClientIsLinkedAtComplete(TestDatabases.Kind kind) throws Exception {
        s = new ServerHarness(kind, dir, ServerHarness.settings(), clock);
        ok(s.raw("POST", "/api/v1/admin/composites", "{\"composites\":[\"(10^71-1)/9\"],\"target_t_level\":30}", ADMIN_KEY));
        byte[] file = ecmSave("b.save", 6);
        // no stage1_attempt_id: the upload records the stage-1 work itself, at B2=0
        JsonNode up = ok(upload(file, "gpu-box", ""));
        long residue = up.get("residue_id").asLong();
        assertThat(tLevel()).isCloseTo(ResultsServer.round3(TLevel.of(List.of(WorkItem.stage1Only(6, 11000, 3)))), within(1e-9));

        assertThat(ok(as("GET", "/api/v1/residues/work?claim_timeout_hours=1", "slow-box", null)).get("residue_id").asLong()).isEqualTo(residue);
        clock.now = clock.now.plusSeconds(3599);
        assertThat(ok(as("GET", "/api/v1/residues/work", "cpu-box", null)).get("residue_id").isNull()).isTrue();
        clock.now = clock.now.plusSeconds(2);
        s.assertError(as("GET", "/api/v1/residues/" + residue + "/download", "slow-box", null), 409, "residue_id");
        assertThat(ok(as("GET", "/api/v1/residues/work", "cpu-box", null)).get("residue_id").asLong()).isEqualTo(residue);
        s.assertError(as("DELETE", "/api/v1/residues/" + residue + "/claim", "slow-box", null), 400, "residue_id");
        ok(as("DELETE", "/api/v1/residues/" + residue + "/claim", "cpu-box", null));
        assertThat(ok(as("GET", "/api/v1/residues/work", "cpu-box-2", null)).get("residue_id").asLong()).isEqualTo(residue);

        // the stage 2 is reported under another client id: linked at complete, the 6 curves then count once at B2
        long a2 = s.post("/api/v1/submit_result", work("x2", "someone-else", null, 6, 6), 200).get("attempt_id").asLong();
        s.assertError(as("POST", "/api/v1/residues/" + residue + "/complete", "cpu-box-2", "{\"stage2_attempt_id\":12345678}"),
                422, "stage2_attempt_id");
        JsonNode done = ok(as("POST", "/api/v1/residues/" + residue + "/complete", "cpu-box-2", "{\"stage2_attempt_id\":" + a2 + "}"));
        double t = ResultsServer.round3(TLevel.of(List.of(WorkItem.defaultB2(6, 11000, 3))));
        assertThat(done.get("new_t_level").asDouble()).isCloseTo(t, within(1e-9));
        assertThat(tLevel()).isCloseTo(t, within(1e-9));
        s.assertError(as("GET", "/api/v1/residues/99999/download", "cpu-box", null), 404, "residue_id");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aFileCutShortInsideXIsRefusedAndCreditsNothing(TestDatabases.Kind kind) throws Exception {
        s = new ServerHarness(kind, dir, ServerHarness.settings(), clock);
        ok(s.raw("POST", "/api/v1/admin/composites", "{\"composites\":[\"(10^71-1)/9\"],\"target_t_level\":30}", ADMIN_KEY));
        String text = new String(ecmSave("d.save", 3), StandardCharsets.US_ASCII);
        // the last line ends inside X: its CHECKSUM (written after X) is gone, every field left parses
        byte[] cut = text.substring(0, text.lastIndexOf("X=0x") + 12).getBytes(StandardCharsets.US_ASCII);
        String detail = s.assertError(upload(cut, "gpu-box", ""), 422, "file").get("detail").asText();
        assertThat(detail).contains("line 3").contains("CHECKSUM");
        assertThat(tLevel()).isZero();
        assertThat(s.json("/api/v1/composites/" + R71).get("attempt_count").asInt()).isZero();
        assertThat(ok(as("GET", "/api/v1/residues/work", "cpu-box", null)).get("residue_id").isNull()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aMultipartBodyCutShortIsA400NotA500(TestDatabases.Kind kind) throws Exception {
        s = new ServerHarness(kind, dir, ServerHarness.settings(), clock);
        ok(s.raw("POST", "/api/v1/admin/composites", "{\"composites\":[\"(10^71-1)/9\"],\"target_t_level\":30}", ADMIN_KEY));
        byte[] file = ecmSave("e.save", 2);
        byte[] body = multipart(file);
        String sha = ResidueExchange.sha256(file);
        // the closing boundary lost, then the body cut in half: the form cannot be read
        s.assertError(uploadBody(java.util.Arrays.copyOf(body, body.length - BOUNDARY.length() - 8), "gpu-box", ""), 400, "file");
        s.assertError(uploadBody(java.util.Arrays.copyOf(body, body.length / 2), "gpu-box", "?checksum=" + sha), 400, "file");
        assertThat(tLevel()).isZero();
        assertThat(ok(as("GET", "/api/v1/residues/work", "cpu-box", null)).get("residue_id").isNull()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aResidueDamagedInTheDatabaseIsNotServed(TestDatabases.Kind kind) throws Exception {
        s = new ServerHarness(kind, dir, ServerHarness.settings(), clock);
        ok(s.raw("POST", "/api/v1/admin/composites", "{\"composites\":[\"(10^71-1)/9\"]}", ADMIN_KEY));
        long residue = ok(upload(ecmSave("c.save", 2), "gpu-box", "")).get("residue_id").asLong();
        ok(as("GET", "/api/v1/residues/work", "cpu-box", null));
        s.database.jdbi().useHandle(h -> h.createUpdate("UPDATE residues SET content = :c WHERE id = :id")
                .bind("c", "METHOD=ECM; garbage\n".getBytes(StandardCharsets.US_ASCII)).bind("id", residue).execute());
        HttpResponse<String> r = as("GET", "/api/v1/residues/" + residue + "/download", "cpu-box", null);
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).doesNotContain("garbage");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aLeaseOnACofactorAnotherFactorChangedIsStillRunningUntilItsHeartbeatCancelsIt(TestDatabases.Kind kind) throws Exception {
        s = new ServerHarness(kind, dir, ServerHarness.settings().withLeaseTime(Duration.ofSeconds(60)), clock);
        ok(s.raw("POST", "/api/v1/admin/composites", "{\"composites\":[\"" + ServerHarness.N + "\"],\"target_t_level\":30}",
                ADMIN_KEY));
        String work = s.json("/api/v1/ecm-work?client_id=gpu-box&max_curves=8").get("work_id").asText();
        // another client finds P: the cofactor Q*R is still composite, the lease's stage 1 still runs and may upload
        s.post("/api/v1/submit_result", s.submission("elsewhere", List.of(ServerHarness.P.toString())), 200);
        assertThat(s.json("/api/v1/work/status").get("active_leases").asLong()).isEqualTo(1);
        JsonNode beat = s.mapper.readTree(s.raw("PUT", "/api/v1/work/" + work + "/progress?client_id=gpu-box", null, null).body());
        assertThat(beat.get("status").asText()).isEqualTo("cancelled");
        assertThat(s.json("/api/v1/work/status").get("active_leases").asLong()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aWorkerClaimsForSecondsExtendsItsClaimAndSeesWhatIsPending(TestDatabases.Kind kind) throws Exception {
        s = new ServerHarness(kind, dir, ServerHarness.settings().withLeaseTime(Duration.ofSeconds(60)), clock);
        ok(s.raw("POST", "/api/v1/admin/composites", "{\"composites\":[\"(10^71-1)/9\"],\"target_t_level\":30}", ADMIN_KEY));
        JsonNode idle = s.json("/api/v1/work/status");
        assertThat(idle.get("lease_seconds").asLong()).isEqualTo(60);
        assertThat(idle.get("active_leases").asLong()).isZero();
        assertThat(idle.get("leasable_composites").asLong()).isEqualTo(1);
        assertThat(idle.get("available_residues").asLong()).isZero();

        String work = s.json("/api/v1/ecm-work?client_id=gpu-box&max_curves=8").get("work_id").asText();
        assertThat(s.json("/api/v1/work/status").get("active_leases").asLong()).isEqualTo(1);
        ok(upload(ecmSave("b.save", 4), "gpu-box", ""));
        s.post("/api/v1/work/" + work + "/complete?client_id=gpu-box", s.mapper.createObjectNode(), 200);
        JsonNode waiting = s.json("/api/v1/work/status");
        assertThat(waiting.get("active_leases").asLong()).isZero();
        assertThat(waiting.get("available_residues").asLong()).isEqualTo(1);

        s.assertError(as("GET", "/api/v1/residues/work?claim_seconds=5", "cpu-box", null), 422, "claim_seconds");
        long residue = ok(as("GET", "/api/v1/residues/work?claim_seconds=30", "cpu-box", null)).get("residue_id").asLong();
        assertThat(s.json("/api/v1/work/status").get("claimed_residues").asLong()).isEqualTo(1);
        clock.now = clock.now.plusSeconds(20);
        assertThat(ok(as("PUT", "/api/v1/residues/" + residue + "/claim?claim_seconds=30", "cpu-box", null)).get("status").asText())
                .isEqualTo("claimed");
        clock.now = clock.now.plusSeconds(20); // 40 s after the claim: held only thanks to the heartbeat
        assertThat(ok(as("GET", "/api/v1/residues/work", "other-box", null)).get("residue_id").isNull()).isTrue();
        assertThat(ok(as("PUT", "/api/v1/residues/" + residue + "/claim?claim_seconds=30", "other-box", null)).get("status").asText())
                .isEqualTo("lost");
        clock.now = clock.now.plusSeconds(31); // no heartbeat: another worker takes it, the first one hears it lost it
        assertThat(s.json("/api/v1/work/status").get("available_residues").asLong()).isEqualTo(1);
        assertThat(ok(as("GET", "/api/v1/residues/work?claim_seconds=30", "other-box", null)).get("residue_id").asLong()).isEqualTo(residue);
        assertThat(ok(as("PUT", "/api/v1/residues/" + residue + "/claim?claim_seconds=30", "cpu-box", null)).get("status").asText())
                .isEqualTo("lost");
    }
}
