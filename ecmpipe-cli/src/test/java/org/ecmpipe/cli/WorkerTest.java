package org.ecmpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.ecmpipe.fleet.FleetWorker;
import org.ecmpipe.fleet.Role;
import org.ecmpipe.fleet.WorkerOutcome;
import org.ecmpipe.fleet.WorkerSettings;
import org.ecmpipe.testing.GpuStandIn;
import org.ecmpipe.testing.PlantedNumbers;
import org.ecmpipe.testing.RealEcm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fleet workers in this JVM against a real results server on 127.0.0.1, real ecm: a stage-1 and a stage-2 worker
 * together, a both-role worker, a server that goes away and comes back. Numbers carry a planted 8-9 digit prime
 * (found by any curve at B1=11000, in stage 1 or 2) and 40+ digit primes no curve at that B1 finds (ecm -v: 2.5e8
 * expected curves for a p40). They were 30-digit once, and a lucky curve found one in CI: a p30 takes about 150000
 * curves at B1=11000, and this class runs thousands.
 */
class WorkerTest {
    @TempDir
    Path dir;
    private FleetServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() throws Exception {
        threads.shutdownNow();
        assertThat(threads.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        if (server != null) {
            server.close();
        }
        assertThat(RealEcm.liveEcmDescendants()).isZero();
    }

    static final List<PlantedNumbers.Planted> NUMBERS = List.of(PlantedNumbers.planted(81, 8, 40, 40),
            PlantedNumbers.planted(82, 9, 40, 42), PlantedNumbers.planted(83, 41, 43));

    private WorkerSettings settings(Role role, String name, int maxCurves) {
        return new WorkerSettings(WorkerSettings.apiBase(server.url()), name, role, false, null, null, 2, dir.resolve(name), true,
                null, "fleet-test", maxCurves, Duration.ofMillis(500), Duration.ofSeconds(5), Duration.ofSeconds(600),
                Duration.ofSeconds(600));
    }

    private Future<WorkerOutcome> start(WorkerSettings s) {
        return threads.submit(() -> new FleetWorker(s, Clock.systemUTC()).run());
    }

    private void assertEveryPlantedFactorFound() throws Exception {
        for (PlantedNumbers.Planted p : NUMBERS) {
            List<BigInteger> findable = p.primes().stream().filter(q -> q.toString().length() < 12).toList();
            assertThat(server.factors(p.n())).as("factors of %s", p.n()).containsExactlyInAnyOrderElementsOf(findable);
        }
    }

    static List<Boolean> databases() {
        return FleetServer.databases();
    }

    @ParameterizedTest(name = "PostgreSQL: {0}")
    @MethodSource("databases")
    @Timeout(300)
    void aStage1AndAStage2WorkerUntilIdleFindEveryFactorAndCreditEachCurveOnce(boolean postgres) throws Exception {
        server = new FleetServer(dir.resolve("server"), Duration.ofSeconds(60), postgres);
        server.add(NUMBERS.stream().map(PlantedNumbers.Planted::n).toList(), 20);
        Future<WorkerOutcome> stage2 = start(settings(Role.STAGE2, "cpu-box", 1000));
        Future<WorkerOutcome> stage1 = start(settings(Role.STAGE1, "gpu-box", 40));
        WorkerOutcome one = stage1.get(240, TimeUnit.SECONDS);
        WorkerOutcome two = stage2.get(240, TimeUnit.SECONDS);
        assertThat(one.stopped()).isFalse();
        assertThat(two.stopped()).isFalse();
        assertThat(one.leasesDone()).isGreaterThanOrEqualTo(NUMBERS.size());
        assertThat(two.residuesDone()).isPositive();
        assertEveryPlantedFactorFound();
        server.assertCreditedOnce(true);
        assertThat(server.count("SELECT COUNT(*) FROM composites WHERE status = 'composite' AND curves_to_target > 0")).isZero();
    }

    @Test
    @Timeout(300)
    void aBothRoleWorkerRunsThePipelineOnLeasedCurves() throws Exception {
        server = new FleetServer(dir.resolve("server"), Duration.ofSeconds(60));
        server.add(NUMBERS.stream().map(PlantedNumbers.Planted::n).toList(), 20);
        WorkerOutcome both = start(settings(Role.BOTH, "box", 1000)).get(240, TimeUnit.SECONDS);
        assertThat(both.stopped()).isFalse();
        assertThat(both.residuesDone()).isZero();
        assertEveryPlantedFactorFound();
        server.assertCreditedOnce(false);
        assertThat(server.count("SELECT COUNT(*) FROM residues")).isZero();
        assertThat(server.count("SELECT COUNT(*) FROM composites WHERE status = 'composite' AND curves_to_target > 0")).isZero();
    }

    @Test
    @Timeout(300)
    void workersWaitOutAServerOutageAndLoseNothing() throws Exception {
        server = new FleetServer(dir.resolve("server"), Duration.ofSeconds(120));
        server.add(NUMBERS.stream().map(PlantedNumbers.Planted::n).toList(), 20);
        int port = server.port();
        Future<WorkerOutcome> stage2 = start(settings(Role.STAGE2, "cpu-box", 1000));
        Future<WorkerOutcome> stage1 = start(settings(Role.STAGE1, "gpu-box", 20));
        await().atMost(Duration.ofSeconds(120)).until(() -> server.count("SELECT COUNT(*) FROM residues WHERE status = 'completed'") > 0);
        server.stopHttp(); // down mid-run: requests fail to connect; stage 1 and 2 go on, their results wait
        Thread.sleep(6000);
        assertThat(stage1.isDone()).isFalse();
        assertThat(stage2.isDone()).isFalse();
        server.start(port);
        WorkerOutcome one = stage1.get(240, TimeUnit.SECONDS);
        WorkerOutcome two = stage2.get(240, TimeUnit.SECONDS);
        assertThat(one.stopped()).isFalse();
        assertThat(two.stopped()).isFalse();
        assertEveryPlantedFactorFound();
        // a lease the server granted as it went down never reached the stage-1 worker: it stays marked active, its
        // time ran out (nobody renewed it) and its curves were leased again (CI, 2026-12-05: one such lease)
        long neverReceived = server.leasesNeverReceived();
        assertThat(neverReceived).as("leases granted while the server was going down").isLessThanOrEqualTo(1);
        server.assertCreditedOnce(true, (int) neverReceived);
        assertThat(server.count("SELECT COUNT(*) FROM composites WHERE status = 'composite' AND curves_to_target > 0")).isZero();
    }

    @Test
    @Timeout(300)
    void aGpuStage1WorkerOnTheStandInFeedsACpuStage2Worker() throws Exception {
        Path standIn = GpuStandIn.install(dir.resolve("bin"));
        server = new FleetServer(dir.resolve("server"), Duration.ofSeconds(60));
        List<PlantedNumbers.Planted> two = NUMBERS.subList(0, 2);
        server.add(two.stream().map(PlantedNumbers.Planted::n).toList(), 20);
        WorkerSettings cpu = settings(Role.STAGE1, "gpu-box", 32);
        WorkerSettings gpu = new WorkerSettings(cpu.api(), cpu.clientId(), Role.STAGE1, true, 0, null, 1, cpu.workDir(), true,
                standIn, null, 32, cpu.poll(), cpu.idleWait(), cpu.stage1Timeout(), cpu.curveTimeout());
        Future<WorkerOutcome> stage2 = start(settings(Role.STAGE2, "cpu-box", 1000));
        WorkerOutcome one = start(gpu).get(240, TimeUnit.SECONDS);
        assertThat(stage2.get(240, TimeUnit.SECONDS).stopped()).isFalse();
        assertThat(one.leasesDone()).isGreaterThanOrEqualTo(2);
        for (PlantedNumbers.Planted p : two) {
            assertThat(server.factors(p.n())).contains(p.smallest());
        }
        assertThat(server.count("SELECT COUNT(*) FROM attempts WHERE b2 = 0 AND parametrization <> 3")).isZero();
        // the stand-in, like GMP-ECM's GPU code, runs whole batches of 32 curves: a lease of 14 curves runs 32
        assertThat(server.count("SELECT COUNT(*) FROM attempts WHERE b2 = 0 AND MOD(curves_completed, 32) <> 0")).isZero();
        server.assertCreditedOnce(true, 0, 32);
    }

    @Test
    void usageErrorsExitWith2AndTheHelpNamesEveryOption() {
        Console console = new Console();
        assertThat(console.run("worker", "--server", "http://127.0.0.1:9", "--role", "stage3")).isEqualTo(ExitCodes.USAGE);
        assertThat(console.err.toString()).contains("--role must be stage1, stage2 or both, not 'stage3'");
        assertThat(console.runAfresh("worker", "--server", "ftp://host", "--role", "stage1")).isEqualTo(ExitCodes.USAGE);
        assertThat(console.err.toString()).contains("must be an http:// or https:// URL");
        assertThat(console.runAfresh("worker", "--role", "stage1")).isEqualTo(ExitCodes.USAGE);
        assertThat(console.runAfresh("worker", "--help")).isEqualTo(ExitCodes.OK);
        assertThat(console.out.toString()).contains("--server", "--role", "--no-gpu", "--gpu-device", "--stage2-workers",
                "--work-dir", "--client-id", "--until-idle", "--max-curves", "--idle-wait", "hands the held lease or claim back");
    }

    @Test
    @Timeout(300)
    void aFactorTrialDivisionFindsInALeasedNumberReachesTheServer() throws Exception {
        server = new FleetServer(dir.resolve("server"), Duration.ofSeconds(60));
        // 3 x 7 x a 30- and a 32-digit prime: trial division settles the small primes before any curve, and the
        // server, which never trial-divides, learns them only from the worker's submission (0 curves)
        PlantedNumbers.Planted big = PlantedNumbers.planted(85, 30, 32);
        BigInteger n = big.n().multiply(BigInteger.valueOf(21));
        server.add(List.of(n), 20);
        WorkerOutcome outcome = start(settings(Role.BOTH, "box", 1000)).get(240, TimeUnit.SECONDS);
        assertThat(outcome.stopped()).isFalse();
        assertThat(server.factors(n)).contains(BigInteger.valueOf(3), BigInteger.valueOf(7));
        assertThat(outcome.factors()).as("the worker's own tally counts what trial division found")
                .contains(BigInteger.valueOf(3), BigInteger.valueOf(7));
        assertThat(server.count("SELECT COUNT(*) FROM work_leases WHERE status = 'active'")).isZero();
    }

    @Test
    @Timeout(300)
    void aLeaseCancelledBecauseAFactorWasFoundElsewhereEndsItsEcmAndTheWorkerMovesOn() throws Exception {
        server = new FleetServer(dir.resolve("server"), Duration.ofSeconds(3)); // heartbeat every second
        PlantedNumbers.Planted p = PlantedNumbers.planted(84, 35, 170); // c205: its stage 1 takes seconds
        server.add(List.of(p.n()), 30);
        Future<WorkerOutcome> worker = start(settings(Role.STAGE1, "gpu-box", 1000));
        await().atMost(Duration.ofSeconds(60)).until(() -> server.count("SELECT COUNT(*) FROM work_leases WHERE status = 'active'") == 1
                && RealEcm.liveEcmDescendants() > 0);
        // another client finds the 35-digit factor: the cofactor (a 170-digit prime) needs no more work
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(server.url() + "/api/v1/submit_result")).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("""
                        {"composite": "%s", "client_id": "elsewhere", "method": "ecm", "program": "gmp-ecm",
                         "parameters": {"b1": 3000000, "b2": null, "curves": 1, "parametrization": 3, "sigma": "3:12345"},
                         "results": {"curves_completed": 1, "factor_found": "%s", "execution_time": 1.0}}"""
                        .formatted(p.n(), p.smallest()))).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        WorkerOutcome outcome = worker.get(120, TimeUnit.SECONDS);
        assertThat(outcome.stopped()).isFalse();
        assertThat(outcome.leasesDone()).isZero();
        assertThat(server.rows("SELECT status FROM work_leases").getFirst().get("status")).isIn("cancelled", "abandoned");
        assertThat(server.count("SELECT COUNT(*) FROM attempts WHERE client_id = 'gpu-box'")).isZero();
        assertThat(RealEcm.liveEcmDescendants()).isZero();
        assertThat(dir.resolve("gpu-box/fleet/finished")).isDirectory();
    }
}
