package org.ecmpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.ecmpipe.server.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A stage-1 residue file damaged between the GPU host and a real {@code ecmpipe server} process (wrong checksum,
 * truncated, a flipped byte, a multipart body cut short) is refused with a 4xx JSON error and credits nothing: the
 * composite's t-level, attempts and curves are those before, and no residue is there to claim. The intact file is
 * then taken (so the checks are not refusing everything), and its download carries the SHA-256 that verifies it.
 */
class ResidueInTransitTest {
    /** R71 = (10^71-1)/9: factors of 30 and 41 digits, which stage 1 at B1=11000 does not find. */
    private static final BigInteger R71 = BigInteger.TEN.pow(71).subtract(BigInteger.ONE).divide(BigInteger.valueOf(9));
    private static final String BOUNDARY = "in-transit-boundary";

    private final ServerFleet fleet = new ServerFleet();

    @TempDir
    Path dir;

    @AfterEach
    void stop() throws InterruptedException {
        fleet.close();
    }

    /** A real GMP-ECM save file: {@code ecm -save FILE -param 3 -c curves 11000 0} on R71. */
    private byte[] ecmSave(int curves) throws Exception {
        Path file = dir.resolve("stage1.save");
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
        return Files.readAllBytes(file);
    }

    private static byte[] multipart(byte[] content, boolean closed) {
        byte[] head = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"stage1.save\"\r\n"
                + "Content-Type: text/plain\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] tail = (closed ? "\r\n--" + BOUNDARY + "--\r\n" : "").getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[head.length + content.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(content, 0, body, head.length, content.length);
        System.arraycopy(tail, 0, body, head.length + content.length, tail.length);
        return body;
    }

    private HttpResponse<String> upload(ServerFleet.Server s, byte[] body, String query) throws Exception {
        return fleet.send(HttpRequest.newBuilder(s.base().resolve("/api/v1/residues/upload" + query))
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY).header("X-Client-ID", "gpu-box")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /**
     * The answer is a 4xx JSON error naming one of {@code fields} (none: any): a damaged file may fail its line checks
     * (field {@code file}) before its SHA-256 is compared ({@code checksum}).
     */
    private void refused(HttpResponse<String> r, String what, String... fields) throws Exception {
        assertThat(r.statusCode()).as(what + ": " + r.body()).isBetween(400, 499);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).as(what).startsWith("application/json");
        JsonNode e = fleet.mapper.readTree(r.body());
        assertThat(e.path("detail").asText()).as(what).isNotBlank();
        if (fields.length > 0) {
            assertThat(e.path("field").asText()).as(what + ": " + r.body()).isIn((Object[]) fields);
        }
    }

    /** What the composite is credited with: t-level, attempts, curves by B1 and B2. */
    private String credit(ServerFleet.Server s) throws Exception {
        JsonNode c = fleet.get(s, "/api/v1/composites/" + R71);
        return "t" + c.get("t_level").asText() + " attempts " + c.get("attempt_count").asText() + " curves " + c.get("curves_by_b1");
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"H2", "PostgreSQL"})
    void aResidueDamagedInTransitIsRefusedAndNotCredited(String database) throws Exception {
        List<String> args = database.equals("H2") ? ServerFleet.h2(dir.resolve("data")) : ServerFleet.postgres();
        ServerFleet.Server s = fleet.start(0, args);
        fleet.add(s, "{\"composites\":[\"" + R71 + "\"],\"target_t_level\":30}");
        byte[] file = ecmSave(8);
        String sha = sha256(file);
        String text = new String(file, StandardCharsets.US_ASCII);
        int x = text.indexOf("X=0x") + 4;
        byte[] flipped = file.clone();
        flipped[x] = (byte) (file[x] == '1' ? '2' : '1'); // X's first hex digit changed: still a well-formed line
        int lastLine = text.lastIndexOf('\n', text.length() - 2) + 1;
        byte[] lineShort = Arrays.copyOf(file, lastLine); // the last line lost: every line left is a valid residue
        byte[] midLine = Arrays.copyOf(file, lastLine + (text.length() - lastLine) / 2);
        String before = credit(s);

        refused(upload(s, multipart(file, true), "?checksum=" + "0".repeat(64)), "wrong checksum", "checksum");
        refused(upload(s, multipart(flipped, true), "?checksum=" + sha), "a changed byte, with the checksum", "checksum", "file");
        refused(upload(s, multipart(flipped, true), ""), "a changed byte, no checksum (GMP-ECM's line CHECKSUM)", "file");
        refused(upload(s, multipart(lineShort, true), "?checksum=" + sha), "truncated at a line end, with the checksum", "checksum");
        refused(upload(s, multipart(midLine, true), "?checksum=" + sha), "truncated mid-line, with the checksum", "checksum", "file");
        refused(upload(s, multipart(midLine, true), ""), "truncated mid-line, no checksum", "file");
        refused(upload(s, multipart(file, false), "?checksum=" + sha), "multipart body cut before its closing boundary");
        byte[] whole = multipart(file, true);
        refused(upload(s, Arrays.copyOf(whole, whole.length / 2), "?checksum=" + sha), "multipart body cut in half");

        assertThat(credit(s)).as("credit after the damaged uploads").isEqualTo(before);
        JsonNode none = fleet.ok(fleet.send(HttpRequest.newBuilder(s.base().resolve("/api/v1/residues/work"))
                .header("X-Client-ID", "cpu-box").GET()));
        assertThat(none.get("residue_id").isNull()).as("no residue stored: " + none).isTrue();
        if (database.equals("PostgreSQL")) {
            try (Database db = ServerFleet.postgresDatabase()) {
                int stored = db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM residues").mapTo(Integer.class).one());
                assertThat(stored).isZero();
            }
        }

        // the intact file is taken and credited (8 curves at B2=0); the claimer's download verifies against its SHA-256
        JsonNode up = fleet.ok(upload(s, multipart(file, true), "?checksum=" + sha));
        assertThat(up.get("curve_count").asInt()).isEqualTo(8);
        assertThat(credit(s)).isNotEqualTo(before);
        JsonNode claim = fleet.ok(fleet.send(HttpRequest.newBuilder(s.base().resolve("/api/v1/residues/work"))
                .header("X-Client-ID", "cpu-box").GET()));
        long residue = claim.get("residue_id").asLong();
        assertThat(residue).isEqualTo(up.get("residue_id").asLong());
        HttpResponse<byte[]> got = fleet.http.send(HttpRequest.newBuilder(s.base().resolve("/api/v1/residues/" + residue + "/download"))
                .header("X-Client-ID", "cpu-box").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(got.headers().firstValue("X-Checksum-SHA256")).hasValue(sha256(got.body()));
        assertThat(got.body()).isEqualTo(file);
    }
}
