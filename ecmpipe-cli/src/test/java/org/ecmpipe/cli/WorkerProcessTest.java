package org.ecmpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.ecmpipe.fleet.FleetWorker;
import org.ecmpipe.fleet.Role;
import org.ecmpipe.fleet.WorkerOutcome;
import org.ecmpipe.fleet.WorkerSettings;
import org.ecmpipe.testing.PlantedNumbers;
import org.ecmpipe.testing.RealEcm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real {@code ecmpipe worker} processes killed with SIGKILL or stopped with SIGINT mid-lease, against a real results
 * server on 127.0.0.1 and real ecm. The number has no factor a curve at the leased B1 can find (primes of 35 and 40
 * digits), so the curves counted are exactly the curves run.
 */
class WorkerProcessTest {
    @TempDir
    Path dir;
    private FleetServer server;
    private final List<Process> processes = new ArrayList<>();
    private final List<ProcessHandle> orphans = new ArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    static final PlantedNumbers.Planted NUMBER = PlantedNumbers.planted(91, 35, 40);

    @AfterEach
    void stop() throws Exception {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        orphans.forEach(ProcessHandle::destroyForcibly);
        threads.shutdownNow();
        assertThat(threads.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        if (server != null) {
            server.close();
        }
        assertThat(RealEcm.liveEcmDescendants()).isZero();
    }

    private Process worker(String name, String... extra) throws Exception {
        return process(name, "stage1", extra);
    }

    private Process process(String name, String role, String... extra) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "worker", "--server", server.url(),
                "--role", role, "--no-gpu", "--work-dir", dir.resolve(name).toString(), "--client-id", name,
                "--max-curves", "150", "--poll-seconds", "1", "--idle-wait", "5"));
        command.addAll(List.of(extra));
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile())).start();
        processes.add(p);
        return p;
    }

    /** Waits until the worker runs stage-1 ecm on a lease journaled in its work dir; the ecm processes. */
    private List<ProcessHandle> midLease(Process worker, String name) {
        List<ProcessHandle> ecm = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            ecm.clear();
            worker.descendants().filter(h -> h.info().command().orElse("").endsWith("/ecm")
                    && List.of(h.info().arguments().orElse(new String[0])).contains("-save")).forEach(ecm::add);
            return !ecm.isEmpty() && leaseDirs(name).size() == 1;
        });
        return ecm;
    }

    private List<Path> leaseDirs(String name) throws Exception {
        return unitDirs(name, "lease-");
    }

    private List<Path> unitDirs(String name, String prefix) throws Exception {
        Path fleet = dir.resolve(name).resolve("fleet");
        if (!Files.isDirectory(fleet)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(fleet)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
        }
    }

    private Future<WorkerOutcome> stage2Worker() {
        WorkerSettings s = new WorkerSettings(WorkerSettings.apiBase(server.url()), "cpu-box", Role.STAGE2, false, null, null, 2,
                dir.resolve("cpu-box"), true, null, null, 1000, Duration.ofMillis(500), Duration.ofSeconds(5),
                Duration.ofSeconds(600), Duration.ofSeconds(600));
        return threads.submit(() -> new FleetWorker(s, Clock.systemUTC()).run());
    }

    private String log(String name) throws Exception {
        return Files.readString(dir.resolve(name + ".log"));
    }

    @Test
    @Timeout(300)
    void aWorkerKilledMidLeaseAndRestartedOnItsWorkDirFinishesThatLeaseWithoutCountingItsCurvesTwice() throws Exception {
        server = new FleetServer(dir.resolve("server"), Duration.ofSeconds(60));
        server.add(List.of(NUMBER.n()), 25);
        Process first = worker("gpu-box");
        List<ProcessHandle> ecm = midLease(first, "gpu-box");
        String leaseDir = leaseDirs("gpu-box").getFirst().getFileName().toString();
        String leaseId = leaseDir.substring("lease-".length());
        Path residues = dir.resolve("gpu-box/fleet").resolve(leaseDir).resolve("run/residues");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
            try (Stream<Path> files = Files.list(residues)) {
                return files.anyMatch(f -> {
                    try {
                        return Files.readAllLines(f).size() >= 5;
                    } catch (java.io.IOException e) {
                        return false;
                    }
                });
            } catch (java.io.IOException e) {
                return false;
            }
        });
        first.destroyForcibly(); // SIGKILL: no hand-back, its ecm child is orphaned
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        orphans.addAll(ecm);
        Map<String, Object> lease = server.rows("SELECT status, curves FROM work_leases WHERE id = '" + leaseId + "'").getFirst();
        assertThat(lease.get("status")).isEqualTo("active");
        int curves = ((Number) lease.get("curves")).intValue();

        Future<WorkerOutcome> stage2 = stage2Worker();
        Process again = worker("gpu-box", "--until-idle");
        assertThat(again.waitFor(240, TimeUnit.SECONDS)).isTrue();
        assertThat(again.exitValue()).as(log("gpu-box")).isZero();
        assertThat(log("gpu-box")).contains("Resuming lease " + leaseId);
        // the curves saved before the kill are kept: stage 1 appends only the missing ones
        assertThat(log("gpu-box")).containsPattern("stage 1 goes on from the [1-9][0-9]* curves an interrupted run saved");
        assertThat(ecm).noneMatch(ProcessHandle::isAlive); // the orphan was ended by the restarted worker
        assertThat(stage2.get(240, TimeUnit.SECONDS).stopped()).isFalse();

        assertThat(server.rows("SELECT status FROM work_leases WHERE id = '" + leaseId + "'").getFirst().get("status"))
                .isEqualTo("completed");
        // that lease's curves: one stage-1 attempt and one residue file of exactly its curves, not twice as many
        assertThat(server.count("SELECT COUNT(*) FROM residues WHERE curve_count = " + curves)).isPositive();
        assertThat(server.count("SELECT COUNT(*) FROM residues WHERE curve_count > 150")).isZero();
        assertThat(server.count("SELECT COUNT(*) FROM attempts WHERE b2 = 0 AND stage1_curves > 150")).isZero();
        assertThat(Files.exists(dir.resolve("gpu-box/fleet/finished/" + leaseDir))).isTrue();
        server.assertCreditedOnce(true);
    }

    @Test
    @Timeout(300)
    void theLeaseOfAWorkerKilledMidLeaseIsRedoneByAnotherAfterItExpires() throws Exception {
        server = new FleetServer(dir.resolve("server"), Duration.ofSeconds(6));
        server.add(List.of(NUMBER.n()), 25);
        Process killed = worker("box-a");
        List<ProcessHandle> ecm = midLease(killed, "box-a");
        String leaseId = leaseDirs("box-a").getFirst().getFileName().toString().substring("lease-".length());
        killed.destroyForcibly();
        assertThat(killed.waitFor(30, TimeUnit.SECONDS)).isTrue();
        ecm.forEach(ProcessHandle::destroyForcibly);

        Process stage2 = process("cpu-box", "stage2", "--until-idle", "--stage2-workers", "2");
        Process other = worker("box-b", "--until-idle");
        assertThat(other.waitFor(240, TimeUnit.SECONDS)).isTrue();
        assertThat(other.exitValue()).as(log("box-b")).isZero();
        assertThat(stage2.waitFor(240, TimeUnit.SECONDS)).isTrue();
        assertThat(stage2.exitValue()).as(log("cpu-box")).isZero();
        assertThat(log("cpu-box")).containsPattern("Worker cpu-box \\(stage2\\): 0 lease\\(s\\) and [1-9][0-9]* residue file\\(s\\) done");
        // the killed worker's lease ran out and its curves were leased again: the target is reached without it
        assertThat(server.rows("SELECT status, expires_at FROM work_leases WHERE id = '" + leaseId + "'").getFirst().get("status"))
                .isEqualTo("active");
        assertThat(server.count("SELECT COUNT(*) FROM work_leases WHERE status = 'completed' AND client_id = 'box-a'")).isZero();
        assertThat(server.count("SELECT COUNT(*) FROM attempts WHERE client_id = 'box-a'")).isZero();
        assertThat(server.count("SELECT COUNT(*) FROM composites WHERE status = 'composite' AND curves_to_target > 0")).isZero();
        server.assertCreditedOnce(true, 1);
    }

    @Test
    @Timeout(120)
    void sigintHandsTheLeaseBack() throws Exception {
        server = new FleetServer(dir.resolve("server"), Duration.ofSeconds(600));
        server.add(List.of(NUMBER.n()), 25);
        Process worker = worker("box");
        List<ProcessHandle> ecm = midLease(worker, "box");
        String leaseDir = leaseDirs("box").getFirst().getFileName().toString();
        new ProcessBuilder("kill", "-INT", Long.toString(worker.pid())).start().waitFor();
        assertThat(worker.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(worker.exitValue()).as(log("box")).isEqualTo(ExitCodes.RUNTIME_FAILURE);
        assertThat(ecm).noneMatch(ProcessHandle::isAlive);
        assertThat(server.rows("SELECT status FROM work_leases WHERE id = '" + leaseDir.substring("lease-".length()) + "'")
                .getFirst().get("status")).isEqualTo("abandoned");
        assertThat(leaseDirs("box")).isEmpty();
        assertThat(server.count("SELECT COUNT(*) FROM attempts")).isZero();
        assertThat(log("box")).contains("0 lease(s) and 0 residue file(s) done, 1 handed back");
        // the curves are free again at once
        assertThat(server.count("SELECT COUNT(*) FROM work_leases WHERE status = 'active'")).isZero();
        BigInteger n = NUMBER.n();
        assertThat(server.composite(n).get("curves_to_target").asLong()).isPositive();
    }

    @Test
    @Timeout(300)
    void aStage2WorkerKilledMidClaimAndRestartedRunsThatStage2OnceMoreAndCompletesIt() throws Exception {
        server = new FleetServer(dir.resolve("server"), Duration.ofSeconds(60));
        server.add(List.of(NUMBER.n()), 25);
        WorkerSettings s1 = new WorkerSettings(WorkerSettings.apiBase(server.url()), "gpu-box", Role.STAGE1, false, null, null, 1,
                dir.resolve("gpu-box"), true, null, null, 150, Duration.ofMillis(500), Duration.ofSeconds(5),
                Duration.ofSeconds(600), Duration.ofSeconds(600));
        Future<WorkerOutcome> stage1 = threads.submit(() -> new FleetWorker(s1, Clock.systemUTC()).run());
        Process first = process("cpu-box", "stage2");
        List<ProcessHandle> ecm = new ArrayList<>();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() -> {
            ecm.clear();
            first.descendants().filter(h -> List.of(h.info().arguments().orElse(new String[0])).contains("-resume")).forEach(ecm::add);
            return !ecm.isEmpty() && unitDirs("cpu-box", "claim-").size() == 1;
        });
        String claim = unitDirs("cpu-box", "claim-").getFirst().getFileName().toString();
        first.destroyForcibly();
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        orphans.addAll(ecm);
        assertThat(server.count("SELECT COUNT(*) FROM residues WHERE status = 'claimed' AND claimed_by = 'cpu-box'")).isEqualTo(1);

        Process again = process("cpu-box", "stage2", "--until-idle");
        assertThat(again.waitFor(240, TimeUnit.SECONDS)).isTrue();
        assertThat(again.exitValue()).as(log("cpu-box")).isZero();
        assertThat(log("cpu-box")).contains("Resuming residue " + claim.substring("claim-".length()));
        assertThat(ecm).noneMatch(ProcessHandle::isAlive);
        assertThat(stage1.get(240, TimeUnit.SECONDS).stopped()).isFalse();
        assertThat(Files.exists(dir.resolve("cpu-box/fleet/finished/" + claim))).isTrue();
        server.assertCreditedOnce(true);
    }
}
