package org.ecmpipe.bench.fleet;

import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The fleet benchmark's load generator (run by {@code bench/fleet.sh}, which starts the server processes, kills
 * and restarts one of them mid-run, and owns the database): adds composites through the admin API, runs simulated
 * workers ({@link FleetWorker}) on virtual threads for the given time against all the servers, then checks the
 * database ({@link FleetAudit}) and prints lease latency, throughput and errors. Exit status 1 on any correctness
 * violation, 2 on bad arguments.
 *
 * <pre>
 * java -jar ecmpipe-fleet.jar --server http://127.0.0.1:P1 --server http://127.0.0.1:P2 --db-url jdbc:postgresql://...
 *   [--db-user U] [--db-password-env VAR] [--workers 200] [--seconds 60] [--composites 20] [--target 65] [--seed 1]
 * </pre>
 * The admin key comes from ADMIN_API_KEY. Traffic goes only to the servers given (the script gives 127.0.0.1).
 */
public final class FleetBench {
    private FleetBench() {
    }

    public static void main(String[] args) throws Exception {
        List<URI> servers = new ArrayList<>();
        String dbUrl = null;
        String dbUser = null;
        String passwordEnv = "FLEET_DB_PASSWORD";
        int workers = 200;
        int seconds = 60;
        int composites = 20;
        double target = 65;
        long seed = 1;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--server" -> servers.add(URI.create(value.endsWith("/") ? value : value + "/"));
                case "--db-url" -> dbUrl = value;
                case "--db-user" -> dbUser = value;
                case "--db-password-env" -> passwordEnv = value;
                case "--workers" -> workers = Integer.parseInt(value);
                case "--seconds" -> seconds = Integer.parseInt(value);
                case "--composites" -> composites = Integer.parseInt(value);
                case "--target" -> target = Double.parseDouble(value);
                case "--seed" -> seed = Long.parseLong(value);
                default -> {
                    System.err.println("fleet: unknown argument " + args[i]);
                    System.exit(2);
                }
            }
            i++;
        }
        String adminKey = System.getenv("ADMIN_API_KEY");
        if (servers.isEmpty() || dbUrl == null || adminKey == null || workers < 1 || seconds < 1 || composites < 1) {
            System.err.println("fleet: need --server URL (one or more), --db-url, ADMIN_API_KEY, and positive counts");
            System.exit(2);
        }
        String run = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
        int status;
        try (Connection db = DriverManager.getConnection(dbUrl, dbUser, System.getenv(passwordEnv))) {
            FleetAudit.install(db);
            status = run(servers, db, run, workers, seconds, composites, target, seed, adminKey);
        }
        System.exit(status);
    }

    private static int run(List<URI> servers, Connection db, String run, int workers, int seconds, int composites, double target,
                           long seed, String adminKey) throws Exception {
        long start = System.nanoTime();
        FleetClient http = new FleetClient(servers, start);
        FleetLog log = new FleetLog();
        addComposites(http, composites, target, seed, adminKey, start + TimeUnit.SECONDS.toNanos(60));
        long begin = System.nanoTime();
        long stop = begin + TimeUnit.SECONDS.toNanos(seconds);
        long giveUp = stop + TimeUnit.SECONDS.toNanos(30);
        System.out.printf("fleet: run %s: %d workers for %d s against %d servers, %d composites (target t%.0f)%n", run, workers,
                seconds, servers.size(), composites, target);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < workers; w++) {
                pool.submit(new FleetWorker(w, run, http, log, stop, giveUp, seed * 1_000_003L + w));
            }
            pool.shutdown();
            if (!pool.awaitTermination(seconds + 120L, TimeUnit.SECONDS)) {
                pool.shutdownNow();
                log.unexpected.add("workers did not stop within " + (seconds + 120) + " s");
            }
        }
        double elapsed = (System.nanoTime() - begin) / 1e9;
        report(http, log, elapsed, begin - start);
        List<String> violations = FleetAudit.check(db, log, run);
        List<String> problems = new ArrayList<>(log.unexpected);
        for (int s = 0; s < http.servers(); s++) {
            FleetClient.ServerStats st = http.stats(s);
            if (st.connectionFailures.get() > 0 && st.answersAfterLastFailure.get() == 0 && !servesAgain(servers.get(s))) {
                violations.add("server " + (s + 1) + " did not answer again within 90 s of its last connection failure");
            }
        }
        if (log.leases.isEmpty() || log.acked.isEmpty()) {
            violations.add("no work was leased or submitted: the benchmark did not run");
        }
        if (!problems.isEmpty()) {
            System.out.printf("fleet: %d unexpected answers or worker failures (first 10):%n", problems.size());
            problems.stream().limit(10).forEach(p -> System.out.println("  " + p));
        }
        if (!log.downloadMismatches.isEmpty()) {
            violations.add(log.downloadMismatches.size() + " residue downloads did not match their X-Checksum-SHA256");
        }
        if (violations.isEmpty()) {
            System.out.println("fleet: correctness: zero double leases, zero lost results, nothing credited twice");
            return problems.isEmpty() ? 0 : 1;
        }
        System.out.println("fleet: CORRECTNESS VIOLATIONS:");
        violations.forEach(v -> System.out.println("  " + v));
        return 1;
    }

    /** A server that failed during the run and got no request after its restart: does it answer now (90 s at most)? */
    private static boolean servesAgain(URI server) throws InterruptedException {
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            try {
                var r = http.send(HttpRequest.newBuilder(server.resolve("/api/v1/composites?limit=1")).timeout(Duration.ofSeconds(10))
                        .GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    System.out.println("fleet: " + server + " answers again (after the run's traffic ended)");
                    return true;
                }
            } catch (java.io.IOException e) {
                // not back yet
            }
            Thread.sleep(500);
        }
        return false;
    }

    /** Products of two ~48-digit primes (nothing a curve finds), added with a high target so work never runs out. */
    private static void addComposites(FleetClient http, int count, double target, long seed, String adminKey, long giveUp)
            throws Exception {
        Random random = new Random(seed);
        StringBuilder list = new StringBuilder();
        for (int i = 0; i < count; i++) {
            BigInteger n = BigInteger.probablePrime(160, random).multiply(BigInteger.probablePrime(160, random));
            list.append(i == 0 ? "" : ",").append('"').append(n).append('"');
        }
        String body = "{\"composites\":[" + list + "],\"project\":\"fleet\",\"target_t_level\":" + target + "}";
        FleetClient.Answer a = http.send(0, b -> HttpRequest.newBuilder(b.resolve("/api/v1/admin/composites"))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json").header("X-Admin-Key", adminKey)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), giveUp);
        if (!a.ok()) {
            throw new IllegalStateException("adding the composites failed: " + a.status() + " " + a.text());
        }
    }

    private static void report(FleetClient http, FleetLog log, double elapsed, long setupNanos) {
        System.out.printf("fleet: %.1f s of traffic (set-up %.1f s): %d requests (%.0f/s), %d leases granted (%.1f/s),"
                        + " %d lease requests found no work, %d submissions acknowledged (%.1f/s)%n", elapsed, setupNanos / 1e9,
                log.requests.get(), log.requests.get() / elapsed, log.leases.size(), log.leases.size() / elapsed,
                log.emptyLeases.get(), log.acked.size(), log.acked.size() / elapsed);
        System.out.printf("fleet: %d heartbeats (%d found the lease no longer active), %d leases completed, %d abandoned,"
                        + " %d vanished (left to expire); residues: %d uploads, %d claims (%d found none), %d stage 2 completed%n",
                log.heartbeats.get(), log.heartbeatsNotActive.get(), log.completed.get(), log.abandoned.get(), log.vanished.get(),
                log.uploads.size(), log.claims.get(), log.emptyClaims.get(), log.stage2.size());
        System.out.printf("fleet: lease latency (every answered GET /ecm-work, %d): p50 %.1f ms, p95 %.1f ms, p99 %.1f ms;"
                        + " granted only: p99 %.1f ms; submit_result: p50 %.1f ms, p99 %.1f ms%n", log.leaseNanos.size(),
                FleetLog.percentileMillis(log.leaseNanos, 50), FleetLog.percentileMillis(log.leaseNanos, 95),
                FleetLog.percentileMillis(log.leaseNanos, 99), FleetLog.percentileMillis(log.grantNanos, 99),
                FleetLog.percentileMillis(log.submitNanos, 50), FleetLog.percentileMillis(log.submitNanos, 99));
        for (int s = 0; s < http.servers(); s++) {
            FleetClient.ServerStats st = http.stats(s);
            System.out.printf("fleet: server %d: %d answers, %d connection failures%s, %d answers 503; %d answers after its"
                            + " last failure%n", s + 1, st.answers.get(), st.connectionFailures.get(),
                    st.connectionFailures.get() == 0 ? "" : String.format(" (from %.1f s to %.1f s into the run)",
                            st.firstFailureMillis.get() / 1e3, st.lastFailureMillis.get() / 1e3),
                    st.unavailable.get(), st.answersAfterLastFailure.get());
        }
        System.out.printf("fleet: %d fail-overs to another server; errors: %d unexpected answers or worker failures%n",
                http.failovers(), log.unexpected.size());
    }
}
