package org.ecmpipe.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import org.ecmpipe.submit.LazyHttpClient;

/**
 * The results server's fleet routes as a worker uses them, over the JDK HttpClient: work leases, their heartbeat and
 * end, residue upload, claim, heartbeat, download (SHA-256 checked) and completion, {@code submit_result}, and the
 * fleet's pending work. Each call is one try: {@link ServerUnavailableException} when it may work later,
 * {@link ServerRefusedException} when the server refuses it for good; {@link Retrying} decides what to do.
 */
final class FleetApi implements AutoCloseable {

    /** A work lease: {@code curves} curves at B1 (ecm's default B2) with {@code -param param} on {@code composite}. */
    record Lease(String id, BigInteger composite, long b1, int curves, int param, long leaseSeconds) {
    }

    /** A claimed residue file: {@code curves} stage-1 residues at B1 of {@code composite} (its current cofactor). */
    record Claim(long residueId, BigInteger composite, long b1, int param, int curves) {
    }

    /** What is pending across the fleet ({@code GET /work/status}). */
    record Pending(long leaseSeconds, long activeLeases, long leasableComposites, long availableResidues,
                   long claimedResidues) {
        boolean running() {
            return activeLeases > 0 || claimedResidues > 0;
        }
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private final ObjectMapper mapper = new ObjectMapper();
    private final LazyHttpClient http = new LazyHttpClient(Duration.ofSeconds(10));
    private final URI api;
    private final String clientId;

    FleetApi(URI api, String clientId) {
        this.api = api;
        this.clientId = clientId;
    }

    URI api() {
        return api;
    }

    /** Ends the HttpClient (the JVM would wait for its selector thread at exit). */
    @Override
    public void close() {
        http.close();
    }

    Optional<Lease> lease(int maxCurves, int param) throws IOException, InterruptedException {
        JsonNode o = json(get("ecm-work?client_id=" + enc(clientId) + "&max_curves=" + maxCurves + "&param=" + param));
        if (o.path("work_id").isNull() || o.path("work_id").isMissingNode()) {
            return Optional.empty();
        }
        return Optional.of(new Lease(o.get("work_id").asText(), new BigInteger(o.get("composite").asText()), o.get("b1").asLong(),
                o.get("curves").asInt(), o.get("param").asInt(), o.path("lease_seconds").asLong(1200)));
    }

    /** The lease's heartbeat: {@code updated} while it holds, else why it ended ({@code cancelled}, {@code expired}, ...; {@code gone} when unknown). */
    String heartbeat(String leaseId) throws IOException, InterruptedException {
        try {
            return json(send(request("work/" + enc(leaseId) + "/progress?client_id=" + enc(clientId))
                    .PUT(HttpRequest.BodyPublishers.noBody()))).path("status").asText();
        } catch (ServerRefusedException e) {
            if (e.status() == 404) {
                return "gone";
            }
            throw e;
        }
    }

    /** Completes ({@code completed}) or hands back a lease; a lease the server no longer knows is not an error. */
    void finishLease(String leaseId, boolean completed, String reason) throws IOException, InterruptedException {
        String path = "work/" + enc(leaseId) + (completed ? "/complete" : "") + "?client_id=" + enc(clientId)
                + (reason == null ? "" : "&reason=" + enc(reason.length() > 250 ? reason.substring(0, 250) : reason));
        try {
            send(completed ? request(path).POST(HttpRequest.BodyPublishers.noBody()) : request(path).DELETE());
        } catch (ServerRefusedException e) {
            if (e.status() != 404) {
                throw e;
            }
        }
    }

    Pending pending() throws IOException, InterruptedException {
        JsonNode o = json(get("work/status"));
        return new Pending(o.path("lease_seconds").asLong(1200), o.path("active_leases").asLong(), o.path("leasable_composites").asLong(),
                o.path("available_residues").asLong(), o.path("claimed_residues").asLong());
    }

    Optional<Claim> claim(long claimSeconds) throws IOException, InterruptedException {
        JsonNode o = json(send(request("residues/work?claim_seconds=" + claimSeconds).GET()));
        if (o.path("residue_id").isNull() || o.path("residue_id").isMissingNode()) {
            return Optional.empty();
        }
        return Optional.of(new Claim(o.get("residue_id").asLong(), new BigInteger(o.get("composite").asText()), o.get("b1").asLong(),
                o.get("parametrization").asInt(), o.get("curve_count").asInt()));
    }

    /** The claim's heartbeat: false once this worker no longer holds it. */
    boolean extendClaim(long residueId, long claimSeconds) throws IOException, InterruptedException {
        try {
            return "claimed".equals(json(send(request("residues/" + residueId + "/claim?claim_seconds=" + claimSeconds)
                    .PUT(HttpRequest.BodyPublishers.noBody()))).path("status").asText());
        } catch (ServerRefusedException e) {
            if (e.status() == 404) {
                return false;
            }
            throw e;
        }
    }

    /** The claimed file; its SHA-256 must be the one the server recorded at upload (else tried again). */
    byte[] download(long residueId) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = send(request("residues/" + residueId + "/download").GET());
        String expected = r.headers().firstValue("X-Checksum-SHA256").orElse(null);
        String actual = sha256(r.body());
        if (expected == null || !expected.equalsIgnoreCase(actual)) {
            throw new ServerUnavailableException("residue " + residueId + " arrived damaged: SHA-256 " + actual + ", the server"
                    + " says " + expected);
        }
        return r.body();
    }

    /**
     * Uploads a stage-1 residue file with its SHA-256, as the residues of {@code stage1AttemptId}. The server having it
     * already (an upload repeated after a crash) is not an error.
     */
    void upload(Path file, long stage1AttemptId) throws IOException, InterruptedException {
        byte[] content = Files.readAllBytes(file);
        String boundary = "ecmpipe-" + sha256(content).substring(0, 16);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + file.getFileName() + "\"\r\nContent-Type: text/plain\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        try {
            send(request("residues/upload?stage1_attempt_id=" + stage1AttemptId + "&checksum=" + sha256(content))
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
        } catch (ServerRefusedException e) {
            if (e.status() != 409) {
                throw e;
            }
        }
    }

    void completeResidue(long residueId, long stage2AttemptId) throws IOException, InterruptedException {
        send(request("residues/" + residueId + "/complete").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"stage2_attempt_id\":" + stage2AttemptId + "}")));
    }

    /** Hands a claim back; one no longer held is not an error. */
    void releaseClaim(long residueId) throws IOException, InterruptedException {
        try {
            send(request("residues/" + residueId + "/claim").DELETE());
        } catch (ServerRefusedException e) {
            if (e.status() != 400 && e.status() != 404) {
                throw e;
            }
        }
    }

    /** {@code submit_result}: the attempt id the server stored it as (the same one again for a repeated submission). */
    long submit(ObjectNode body) throws IOException, InterruptedException {
        return json(send(request("submit_result").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())))).path("attempt_id").asLong();
    }

    private HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
        return send(request(path).GET());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(api.resolve(path)).timeout(TIMEOUT).header("X-Client-ID", clientId);
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpRequest r = request.build();
        HttpResponse<byte[]> response;
        try {
            response = http.get().send(r, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new ServerUnavailableException(r.method() + " " + r.uri().getPath() + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
        int status = response.statusCode();
        if (status / 100 == 2) {
            return response;
        }
        String detail = detail(response.body());
        if (status >= 500 || status == 408 || status == 429) {
            throw new ServerUnavailableException(r.method() + " " + r.uri().getPath() + ": HTTP " + status + " " + detail);
        }
        throw new ServerRefusedException(status, r.method() + " " + r.uri().getPath() + ": " + detail);
    }

    private JsonNode json(HttpResponse<byte[]> response) throws IOException {
        return mapper.readTree(response.body());
    }

    private String detail(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        try {
            JsonNode d = mapper.readTree(text).path("detail");
            text = d.isTextual() ? d.asText() : d.isMissingNode() ? text : d.toString();
        } catch (IOException | RuntimeException e) {
            // not JSON: the body itself
        }
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
