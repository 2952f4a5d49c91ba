package org.ecmpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.ecmpipe.server.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two real {@code ecmpipe server} processes on one PostgreSQL database; workers (threads of this test) lease,
 * heartbeat, submit and complete against both in turn, failing over to the other on a connection error with the
 * same request (the same submission_id). Server A is killed with SIGKILL mid-run: the workers carry on against B; a
 * lease taken on A lives on (heartbeated on B, then on A again, completed there); a lease whose holder vanished
 * expires and its curves go to another worker, not before; A restarted on its port serves again. At the end the
 * database holds every acknowledged submission exactly once, as acknowledged, and every lease as its holder got it.
 */
class ServerFailoverTest {
    private static final int WORKERS = 12;
    private static final int LEASE_SECONDS = 10;
    private static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(90);

    private final ServerFleet fleet = new ServerFleet();
    private final Queue<String> problems = new ConcurrentLinkedQueue<>();
    private final AtomicLong failovers = new AtomicLong();

    @AfterEach
    void stop() throws InterruptedException {
        fleet.close();
    }

    /** An answer and the server (0 = A, 1 = B) that gave it. */
    private record Answer(int server, HttpResponse<String> response) {
        int status() {
            return response.statusCode();
        }
    }

    /** A submission the servers acknowledged: its attempt id, and the server that answered. */
    private record Acked(long attemptId, int server) {
    }

    /**
     * Sends the request to {@code servers[preferred % 2]}; on a connection failure or a 503 to the other one, the
     * same request again, round and round for 90 s at most.
     */
    private Answer send(URI[] servers, int preferred, Function<URI, HttpRequest.Builder> request) throws InterruptedException {
        long deadline = System.nanoTime() + GIVE_UP_NANOS;
        int server = Math.floorMod(preferred, servers.length);
        for (int tries = 1; ; tries++) {
            try {
                HttpResponse<String> r = fleet.send(request.apply(servers[server]));
                if (r.statusCode() != 503) {
                    return new Answer(server, r);
                }
            } catch (IOException e) {
                // that server is gone (killed, or not restarted yet): try the other
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no server answered for 90 s");
            }
            failovers.incrementAndGet();
            server = (server + 1) % servers.length;
            if (tries % servers.length == 0) {
                Thread.sleep(200);
            }
        }
    }

    private JsonNode json(Answer a, String what) throws IOException {
        if (a.status() != 200) {
            problems.add(what + ": " + a.status() + " " + a.response().body());
            return null;
        }
        return fleet.mapper.readTree(a.response().body());
    }

    private static String semiprimes(Random random, int bits, int count) {
        List<String> numbers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            numbers.add('"' + BigInteger.probablePrime(bits, random).multiply(BigInteger.probablePrime(bits, random)).toString() + '"');
        }
        return String.join(",", numbers);
    }

    private static void await(String what, long seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + seconds + " s for " + what);
            }
            Thread.sleep(100);
        }
    }

    @Test
    void killMinus9OfOneOfTwoServersOnPostgres() throws Exception {
        List<String> args = new ArrayList<>(ServerFleet.postgres());
        args.addAll(List.of("--lease-seconds", Integer.toString(LEASE_SECONDS)));
        ServerFleet.Server a = fleet.start(0, args);
        ServerFleet.Server b = fleet.start(0, args);
        URI[] servers = {a.base(), b.base()};
        Random random = new Random(20261204);
        // the workers' composites: c97s (two 160-bit primes, nothing a curve finds); the expiry probe: a c115
        fleet.add(a, "{\"composites\":[" + semiprimes(random, 160, 4) + "],\"target_t_level\":45}");
        fleet.add(b, "{\"composites\":[" + semiprimes(random, 190, 1) + "],\"target_t_level\":30}");

        Map<String, String> leases = new ConcurrentHashMap<>(); // work id -> the worker it was given to
        Map<String, Acked> acked = new ConcurrentHashMap<>();
        AtomicBoolean aDown = new AtomicBoolean();
        AtomicBoolean aRestarted = new AtomicBoolean();
        AtomicInteger ackedWhileADown = new AtomicInteger();
        AtomicInteger ackedByAAfterRestart = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        List<String> survivorBeats = new ArrayList<>();

        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < WORKERS; w++) {
                String client = "fo-w" + w;
                int number = w;
                pool.submit(() -> {
                    int turn = number;
                    int seq = 0;
                    while (!stop.get()) {
                        int maxCurves = 1 + seq % 8;
                        JsonNode lease = json(send(servers, turn++, base -> HttpRequest.newBuilder(base.resolve(
                                "/api/v1/ecm-work?client_id=" + client + "&max_curves=" + maxCurves + "&max_digits=100")).GET()),
                                "lease");
                        if (lease == null || lease.get("work_id").isNull()) {
                            Thread.sleep(100);
                            continue;
                        }
                        String id = lease.get("work_id").asText();
                        String before = leases.putIfAbsent(id, client);
                        if (before != null) {
                            problems.add("lease " + id + " given to " + before + " and to " + client);
                        }
                        JsonNode beat = json(send(servers, turn++, base -> HttpRequest.newBuilder(base.resolve("/api/v1/work/" + id
                                + "/progress?client_id=" + client + "&curves_completed=0")).PUT(HttpRequest.BodyPublishers.noBody())),
                                "heartbeat");
                        if (beat != null && !"updated".equals(beat.get("status").asText()) && !"expired".equals(beat.get("status").asText())) {
                            problems.add("heartbeat of " + id + ": " + beat);
                        }
                        String submission = client + "-" + (++seq);
                        ObjectNode body = fleet.mapper.createObjectNode().put("submission_id", submission)
                                .put("composite", lease.get("composite").asText()).put("client_id", client).put("method", "ecm")
                                .put("program", "gmp-ecm");
                        body.putObject("parameters").put("b1", lease.get("b1").asLong()).put("curves", lease.get("curves").asInt())
                                .put("parametrization", 3).put("sigma", "3:" + (1000L * (number + 1) + seq));
                        body.putObject("results").put("curves_completed", lease.get("curves").asInt()).put("execution_time", 1.0);
                        boolean down = aDown.get() && !aRestarted.get();
                        Answer s = send(servers, turn++, base -> HttpRequest.newBuilder(base.resolve("/api/v1/submit_result"))
                                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())));
                        JsonNode stored = json(s, "submit " + submission);
                        if (stored != null) {
                            acked.put(submission, new Acked(stored.get("attempt_id").asLong(), s.server()));
                            if (down && aDown.get() && !aRestarted.get()) {
                                ackedWhileADown.incrementAndGet();
                            }
                            if (s.server() == 0 && aRestarted.get()) {
                                ackedByAAfterRestart.incrementAndGet();
                            }
                        }
                        json(send(servers, turn++, base -> HttpRequest.newBuilder(base.resolve("/api/v1/work/" + id
                                + "/complete?client_id=" + client)).POST(HttpRequest.BodyPublishers.noBody())), "complete");
                    }
                    return null;
                });
            }
            await("40 acknowledged submissions", 120, () -> acked.size() >= 40);

            // on A: a lease its holder keeps heartbeating (on either server), and a probe lease whose holder vanishes
            JsonNode survivor = fleet.get(a, "/api/v1/ecm-work?client_id=fo-survivor&max_curves=1&max_digits=100");
            String survivorId = survivor.get("work_id").asText();
            JsonNode probe = fleet.get(a, "/api/v1/ecm-work?client_id=fo-vanished&max_curves=1000000&min_digits=110");
            String probeId = probe.get("work_id").asText();
            int probeCurves = probe.get("curves").asInt();
            Instant probeExpires = Instant.parse(probe.get("expires_at").asText());
            assertThat(fleet.get(b, "/api/v1/ecm-work?client_id=fo-rescuer&min_digits=110").get("work_id").isNull())
                    .as("the probe composite's whole gap is leased").isTrue();
            pool.submit(() -> {
                for (int turn = 1; !stop.get(); turn++) {
                    Answer beat = send(servers, turn, base -> HttpRequest.newBuilder(base.resolve("/api/v1/work/" + survivorId
                            + "/progress?client_id=fo-survivor&curves_completed=0")).PUT(HttpRequest.BodyPublishers.noBody()));
                    JsonNode j = json(beat, "survivor heartbeat");
                    synchronized (survivorBeats) {
                        survivorBeats.add((beat.server() == 0 ? "A" : "B") + (aRestarted.get() ? "-restarted" : aDown.get() ? "-down" : "")
                                + ":" + (j == null ? beat.status() : j.get("status").asText()));
                    }
                    Thread.sleep(1000);
                }
                return null;
            });

            a.kill();
            aDown.set(true);
            int atKill = acked.size();
            await("40 submissions acknowledged by B while A is down", 120, () -> ackedWhileADown.get() >= 40);

            // the vanished holder's lease expires; then, and not before, its curves go to another worker
            JsonNode rescued;
            while (true) {
                rescued = fleet.get(b, "/api/v1/ecm-work?client_id=fo-rescuer&max_curves=1000000&min_digits=110");
                if (!rescued.get("work_id").isNull()) {
                    // the server granted it before this answer came (one machine, one clock)
                    assertThat(Instant.now()).as("granted again only after the expiry").isAfterOrEqualTo(probeExpires);
                    break;
                }
                assertThat(Instant.now()).as("the probe lease is granted again after its expiry")
                        .isBefore(probeExpires.plusSeconds(60));
                Thread.sleep(250);
            }
            assertThat(rescued.get("composite_id").asLong()).isEqualTo(probe.get("composite_id").asLong());
            assertThat(rescued.get("curves").asInt()).as("the lapsed lease's curves, all of them").isEqualTo(probeCurves);
            assertThat(fleet.get(b, "/api/v1/ecm-work?client_id=fo-none&min_digits=110").get("work_id").isNull())
                    .as("the gap is leased again, once").isTrue();
            assertThat(fleet.ok(fleet.send(HttpRequest.newBuilder(b.base().resolve("/api/v1/work/" + probeId
                    + "/progress?client_id=fo-vanished")).PUT(HttpRequest.BodyPublishers.noBody()))).get("status").asText())
                    .as("the vanished holder's late heartbeat").isEqualTo("expired");

            ServerFleet.Server again = fleet.start(a.port(), args);
            aRestarted.set(true);
            await("20 submissions acknowledged by the restarted A", 120, () -> ackedByAAfterRestart.get() >= 20);
            await("a survivor heartbeat answered by the restarted A", 60, () -> {
                synchronized (survivorBeats) {
                    return survivorBeats.stream().anyMatch(s -> s.startsWith("A-restarted"));
                }
            });
            stop.set(true);
            JsonNode done = fleet.ok(fleet.send(HttpRequest.newBuilder(again.base().resolve("/api/v1/work/" + survivorId
                    + "/complete?client_id=fo-survivor")).POST(HttpRequest.BodyPublishers.noBody())));
            assertThat(done.get("status").asText()).isEqualTo("completed");
            pool.shutdown();
            assertThat(pool.awaitTermination(120, TimeUnit.SECONDS)).as("workers stop").isTrue();
            System.out.printf("kill -9 of one of two servers: %d acknowledged (%d before the kill, %d by B while A was down, %d by"
                    + " the restarted A), %d leases, %d fail-overs; survivor heartbeats %s%n", acked.size(), atKill,
                    ackedWhileADown.get(), ackedByAAfterRestart.get(), leases.size(), failovers.get(),
                    survivorBeats.stream().collect(java.util.stream.Collectors.groupingBy(x -> x, java.util.TreeMap::new,
                            java.util.stream.Collectors.counting())));
        }
        assertThat(problems).as("unexpected answers").isEmpty();
        assertThat(failovers.get()).as("workers failed over from the killed server").isPositive();
        assertThat(survivorBeats).as("a lease taken on A lives on through A's death and restart").allMatch(s -> s.endsWith(":updated"))
                .anyMatch(s -> s.startsWith("B-down")).anyMatch(s -> s.startsWith("A-restarted"));

        try (Database db = ServerFleet.postgresDatabase()) {
            Map<String, List<Long>> stored = new HashMap<>();
            db.jdbi().useHandle(h -> h.createQuery("SELECT submission_id, id FROM attempts WHERE submission_id LIKE 'fo-%'")
                    .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2))).list()
                    .forEach(e -> stored.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue())));
            List<String> lost = new ArrayList<>();
            acked.forEach((submission, ack) -> {
                if (!List.of(ack.attemptId()).equals(stored.get(submission))) {
                    lost.add(submission + " acknowledged as attempt " + ack.attemptId() + ", stored as " + stored.get(submission));
                }
            });
            assertThat(lost).as("acknowledged submissions not stored exactly once as acknowledged").isEmpty();
            assertThat(stored.values()).as("no submission stored twice").allMatch(ids -> ids.size() == 1);
            Map<String, String> holders = new HashMap<>();
            db.jdbi().useHandle(h -> h.createQuery("SELECT id, client_id FROM work_leases")
                    .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2))).list()
                    .forEach(e -> holders.put(e.getKey(), e.getValue())));
            leases.forEach((id, client) -> assertThat(holders.get(id)).as("holder of lease " + id).isEqualTo(client));
            List<String> over = db.jdbi().withHandle(h -> h.createQuery("""
                    SELECT c.id || ': ' || SUM(l.curves) || ' leased > ' || c.curves_to_target FROM composites c
                    JOIN work_leases l ON l.composite_id = c.id AND l.status = 'active' AND l.expires_at > CURRENT_TIMESTAMP
                      AND l.cofactor_sha256 = c.cofactor_sha256
                    GROUP BY c.id, c.curves_to_target HAVING SUM(l.curves) > c.curves_to_target""").mapTo(String.class).list());
            assertThat(over).as("composites leased beyond their gap").isEmpty();
        }
    }
}
