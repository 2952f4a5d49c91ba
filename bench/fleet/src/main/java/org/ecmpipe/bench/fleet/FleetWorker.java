package org.ecmpipe.bench.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * One simulated worker (a virtual thread): no ecm runs, the curves "take" a few hundred milliseconds. Each request
 * goes to the next server in turn (so a lease taken on one server is heartbeated and completed on the other), and
 * fails over when a server is gone. Roles by worker number: every tenth uploads stage-1 residues (lease, upload,
 * complete), the next claims residues and reports their stage 2; the rest lease, heartbeat, submit and complete,
 * now and then abandoning a lease or vanishing without a word (the lease then expires).
 */
final class FleetWorker implements Runnable {
    enum Role { LEASER, STAGE1, STAGE2 }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final int number;
    private final String client;
    private final Role role;
    private final FleetClient http;
    private final FleetLog log;
    private final long stopNanos;
    private final long giveUpNanos;
    private final SplittableRandom random;
    private int turn;
    private int seq;

    FleetWorker(int number, String run, FleetClient http, FleetLog log, long stopNanos, long giveUpNanos, long seed) {
        this.number = number;
        this.client = "fleet-" + run + "-w" + number;
        this.role = number % 10 == 0 ? Role.STAGE1 : number % 10 == 1 ? Role.STAGE2 : Role.LEASER;
        this.http = http;
        this.log = log;
        this.stopNanos = stopNanos;
        this.giveUpNanos = giveUpNanos;
        this.random = new SplittableRandom(seed);
        this.turn = number;
    }

    @Override
    public void run() {
        try {
            Thread.sleep(random.nextInt(1000)); // workers start spread over a second, as a fleet does
            while (System.nanoTime() < stopNanos) {
                switch (role) {
                    case LEASER -> leaseCycle();
                    case STAGE1 -> stage1Cycle();
                    case STAGE2 -> stage2Cycle();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (FleetClient.GaveUp e) {
            log.unexpected.add(client + ": gave up: " + e.getMessage());
        } catch (Exception e) {
            log.unexpected.add(client + ": " + e);
        }
    }

    private FleetClient.Answer send(java.util.function.Function<URI, HttpRequest> request)
            throws FleetClient.GaveUp, InterruptedException {
        log.requests.incrementAndGet();
        return http.send(turn++, request, giveUpNanos);
    }

    private static HttpRequest.Builder at(URI base, String pathAndQuery) {
        return HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(TIMEOUT);
    }

    private JsonNode json(FleetClient.Answer a, String what) throws java.io.IOException {
        if (!a.ok()) {
            log.unexpected.add(client + ": " + what + " answered " + a.status() + " " + a.text());
            return null;
        }
        return JSON.readTree(a.body());
    }

    /** One lease: GET /ecm-work, then run it, abandon it, or vanish. */
    private void leaseCycle() throws Exception {
        JsonNode lease = lease(1 + random.nextInt(16));
        if (lease == null) {
            return;
        }
        String id = lease.get("work_id").asText();
        int curves = lease.get("curves").asInt();
        double fate = random.nextDouble();
        if (fate < 0.05) { // vanishes, as a killed worker does: the lease expires by itself
            if (random.nextBoolean()) {
                heartbeat(id, 0);
            }
            log.vanished.incrementAndGet();
            return;
        }
        if (fate < 0.10) {
            heartbeat(id, 0);
            FleetClient.Answer a = send(b -> at(b, "/api/v1/work/" + id + "?client_id=" + client + "&reason=fleet-abandon").DELETE().build());
            if (json(a, "abandon") != null) {
                log.abandoned.incrementAndGet();
            }
            return;
        }
        int beats = 1 + random.nextInt(3);
        for (int i = 1; i <= beats; i++) {
            Thread.sleep(100 + random.nextInt(300)); // the curves running
            if (!heartbeat(id, curves * i / (beats + 1))) {
                break;
            }
        }
        submit(lease.get("composite").asText(), lease.get("b1").asLong(), curves, null);
        complete(id);
    }

    /** A lease of at most {@code maxCurves} curves (param 3, as a GPU asks), or null after waiting when none. */
    private JsonNode lease(int maxCurves) throws Exception {
        FleetClient.Answer a = send(b -> at(b, "/api/v1/ecm-work?client_id=" + client + "&max_curves=" + maxCurves + "&param=3")
                .GET().build());
        JsonNode lease = json(a, "lease");
        if (lease == null) {
            return null;
        }
        log.leaseNanos.add(a.nanos());
        if (lease.get("work_id").isNull()) {
            log.emptyLeases.incrementAndGet();
            Thread.sleep(100 + random.nextInt(300));
            return null;
        }
        log.grantNanos.add(a.nanos());
        log.leased(new FleetLog.Lease(lease.get("work_id").asText(), client, lease.get("composite_id").asLong(),
                lease.get("curves").asInt(), lease.get("b1").asLong()));
        return lease;
    }

    /** True while the lease is active. */
    private boolean heartbeat(String id, int done) throws Exception {
        FleetClient.Answer a = send(b -> at(b, "/api/v1/work/" + id + "/progress?client_id=" + client + "&curves_completed=" + done
                + "&message=" + URLEncoder.encode("fleet bench", StandardCharsets.UTF_8)).PUT(HttpRequest.BodyPublishers.noBody()).build());
        JsonNode hb = json(a, "heartbeat");
        log.heartbeats.incrementAndGet();
        if (hb == null) {
            return false;
        }
        if (!"updated".equals(hb.get("status").asText())) {
            // "expired": the server was too slow to answer heartbeats within the lease time (an overloaded machine);
            // the worker still reports the curves it ran, as a real one does
            log.heartbeatsNotActive.incrementAndGet();
            return false;
        }
        return true;
    }

    private void complete(String id) throws Exception {
        FleetClient.Answer a = send(b -> at(b, "/api/v1/work/" + id + "/complete?client_id=" + client)
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        if (json(a, "complete") != null) {
            log.completed.incrementAndGet();
        }
    }

    /**
     * submit_result for {@code curves} curves at B1 (ecm's default B2, or B2 = 0 for stage 1 only when
     * {@code stage1Only}), a fresh submission_id and sigma; the same body again on fail-over. Returns the attempt id.
     */
    private long submit(String composite, long b1, int curves, Boolean stage1Only) throws Exception {
        String submissionId = client + "-" + (++seq);
        ObjectNode body = JSON.createObjectNode();
        body.put("submission_id", submissionId).put("composite", composite).put("project", "fleet").put("client_id", client)
                .put("method", "ecm").put("program", "gmp-ecm").put("program_version", "7.0.5");
        ObjectNode p = body.putObject("parameters").put("b1", b1).put("curves", curves).put("parametrization", 3)
                .put("sigma", "3:" + (1_000L + number * 1_000_000L + seq));
        if (Boolean.TRUE.equals(stage1Only)) {
            p.put("b2", 0);
        }
        body.putObject("results").put("curves_completed", curves).put("execution_time", 0.25 * curves);
        byte[] bytes = JSON.writeValueAsBytes(body);
        log.sent.put(submissionId, client);
        FleetClient.Answer a;
        try {
            a = send(b -> at(b, "/api/v1/submit_result").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build());
        } catch (FleetClient.GaveUp e) {
            log.unresolved.add(submissionId);
            throw e;
        }
        JsonNode r = json(a, "submit " + submissionId);
        if (r == null) {
            return -1;
        }
        log.submitNanos.add(a.nanos());
        log.acked.add(new FleetLog.Acked(submissionId, client, r.get("composite_id").asLong(), r.get("attempt_id").asLong(), b1, curves));
        return r.get("attempt_id").asLong();
    }

    /** A GPU host: lease curves, "run" stage 1, upload the residues (their B2 = 0 credit comes with them), complete. */
    private void stage1Cycle() throws Exception {
        JsonNode lease = lease(4 + random.nextInt(5));
        if (lease == null) {
            return;
        }
        String id = lease.get("work_id").asText();
        Thread.sleep(200 + random.nextInt(300));
        heartbeat(id, 0);
        int curves = lease.get("curves").asInt();
        byte[] file = SyntheticResidues.file(new BigInteger(lease.get("composite").asText()), lease.get("b1").asLong(), curves,
                10_000L + number * 1_000_000L + (++seq) * 100L, random);
        String sha = sha256(file);
        String boundary = "fleet-" + sha.substring(0, 16);
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"stage1.save\"\r\n"
                + "Content-Type: text/plain\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[head.length + file.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(file, 0, body, head.length, file.length);
        System.arraycopy(tail, 0, body, head.length + file.length, tail.length);
        FleetClient.Answer a = send(b -> at(b, "/api/v1/residues/upload?checksum=" + sha)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary).header("X-Client-ID", client)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
        if (a.ok() || a.status() == 409 && a.text().contains("already uploaded")) { // 409: a retry after a lost answer
            log.uploads.add(new FleetLog.Upload(sha, client, curves));
        } else {
            json(a, "residue upload");
        }
        complete(id);
    }

    /** A CPU host: claim a residue, download and verify it, "run" stage 2, submit it, complete the residue. */
    private void stage2Cycle() throws Exception {
        FleetClient.Answer a = send(b -> at(b, "/api/v1/residues/work?claim_timeout_hours=1").header("X-Client-ID", client).GET().build());
        JsonNode claim = json(a, "residue claim");
        if (claim == null || claim.get("residue_id").isNull()) {
            log.emptyClaims.incrementAndGet();
            Thread.sleep(200 + random.nextInt(300));
            return;
        }
        log.claims.incrementAndGet();
        long residue = claim.get("residue_id").asLong();
        FleetClient.Answer file = send(b -> at(b, "/api/v1/residues/" + residue + "/download").header("X-Client-ID", client).GET().build());
        if (!file.ok()) {
            json(file, "residue download");
            return;
        }
        String header = file.response().headers().firstValue("X-Checksum-SHA256").orElse("");
        if (!header.equals(sha256(file.body()))) {
            log.downloadMismatches.add(client + ": residue " + residue);
            return;
        }
        Thread.sleep(100 + random.nextInt(300));
        int curves = claim.get("curve_count").asInt();
        long attempt = submit(claim.get("composite").asText(), claim.get("b1").asLong(), curves, false);
        if (attempt < 0) {
            return;
        }
        FleetClient.Answer done = send(b -> at(b, "/api/v1/residues/" + residue + "/complete").header("X-Client-ID", client)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"stage2_attempt_id\":" + attempt + "}")).build());
        if (json(done, "residue complete") != null) {
            log.stage2.add(new FleetLog.Stage2(residue, attempt, client));
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
