package org.ecmpipe.fleet;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.ecmpipe.batch.BatchListener;
import org.ecmpipe.batch.BatchOutcome;
import org.ecmpipe.batch.BatchRun;
import org.ecmpipe.batch.BatchSetupException;
import org.ecmpipe.batch.NumberSource;
import org.ecmpipe.batch.RunSettings;
import org.ecmpipe.composite.Composite;
import org.ecmpipe.fleet.WorkerContext.Ending;
import org.ecmpipe.fleet.WorkerContext.Outcome;
import org.ecmpipe.ledger.WorkDir;
import org.ecmpipe.composite.Primality;
import org.ecmpipe.residue.ResidueFile;
import org.ecmpipe.result.CompositeResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One work lease, run by the engine ({@link BatchRun}) in the unit's own work dir: stage 1 only with its residues
 * kept ({@code stage1} role), or the whole overlapped pipeline ({@code both}). Then: the result submitted (stage 1
 * as B2 = 0 work), the residues uploaded as that attempt's (stage-1 role; so the stage-1 credit is counted once and
 * moves to stage 2 when a stage-2 worker completes them), the lease completed. The engine's own journal makes a
 * restarted worker resume a stage 1 cut short (only the missing curves) and never run a finished one again.
 */
final class LeaseJob {
    private static final Logger log = LoggerFactory.getLogger(LeaseJob.class);

    private final WorkerContext ctx;

    LeaseJob(WorkerContext ctx) {
        this.ctx = ctx;
    }

    /**
     * @param leaseTime the server's lease time (heartbeat every third of it)
     * @param resumed the unit was left by an earlier worker on this work dir: run only if the lease still holds
     */
    Outcome run(WorkUnit leased, Duration leaseTime, boolean resumed) throws IOException, InterruptedException {
        Path runDir = ctx.store.runDir(leased);
        Optional<CompositeResult> recorded = WorkerContext.recorded(runDir, leased.composite()).filter(r -> r.b1() == leased.b1());
        if (recorded.isEmpty()) {
            if (resumed) {
                String status = ctx.retry.call("heartbeat of " + leased, () -> ctx.api.heartbeat(leased.id()));
                if (!"updated".equals(status)) {
                    log.info("{} left by an earlier worker is {} on the server: handing it back", leased, status);
                    handBack(leased, "the lease is " + status);
                    return Outcome.of(Ending.LOST);
                }
                log.info("Resuming {} left by an earlier worker: the lease still holds", leased);
                if (!ctx.settings.gpu()) {
                    keepCutStage1(leased, runDir);
                }
            }
            Thread runner = Thread.currentThread();
            BatchRun engine = new BatchRun(settings(leased, runDir), ctx.clock);
            Heartbeat beat = new Heartbeat(leased.toString(), leaseTime, ctx.clock,
                    () -> "updated".equals(ctx.api.heartbeat(leased.id())), runner::interrupt);
            WorkerContext.Guarded<BatchOutcome> run = ctx.underHeartbeat(beat, engine::endChildrenNow,
                    () -> engine.run(new NumberSource("lease " + leased.id(), List.of(new Composite(0, leased.composite().toString(),
                            leased.composite()))), BatchListener.NONE, false, true),
                    why -> handBack(leased, why));
            if (run.stoppedBeforeStart()) {
                return Outcome.of(Ending.HANDED_BACK);
            }
            BatchOutcome outcome = run.outcome();
            boolean interrupted = run.interrupted();
            boolean lost = run.lost();
            recorded = outcome.results().stream().filter(r -> r.composite().equals(leased.composite()) && r.b1() == leased.b1())
                    .findFirst();
            if (recorded.isEmpty()) {
                if (lost) {
                    handBack(leased, "lease lost");
                    return Outcome.of(Ending.LOST);
                }
                if (interrupted || outcome.stopped()) {
                    ctx.stop();
                    handBack(leased, "worker stopped");
                    return Outcome.of(Ending.HANDED_BACK);
                }
                handBack(leased, "no result");
                return Outcome.of(Ending.FAILED);
            }
            // the engine clears the thread's interrupt when it stops, so its own report counts too
            if ((interrupted || outcome.stopped()) && !lost) {
                ctx.stop(); // stopped after the number finished: send it, then stop
            }
        }
        WorkUnit unit = leased;
        CompositeResult result = recorded.get();
        if (result.status() != CompositeResult.Status.DONE) {
            log.warn("{} failed here: {}; handing it back", unit, result.reasonText());
            handBack(unit, result.reasonText());
            return Outcome.of(Ending.FAILED);
        }
        try {
            unit = ctx.submit(unit, result);
            if (ctx.settings.role() != Role.BOTH && !unit.uploaded() && unit.attemptId() != null) {
                long attempt = unit.attemptId();
                for (Path file : residueFiles(runDir, result)) {
                    try {
                        ctx.retry.run("uploading " + file.getFileName(), () -> {
                            ctx.api.upload(file, attempt);
                            return null;
                        });
                    } catch (ServerRefusedException e) {
                        log.warn("{}: the server refused its residue file {} ({}); its stage 1 stays credited at B2=0", unit,
                                file.getFileName(), e.getMessage());
                    }
                }
                unit = unit.residuesUploaded();
                ctx.store.save(unit);
            }
            WorkUnit sent = unit;
            ctx.retry.run("completing " + unit, () -> {
                ctx.api.finishLease(sent.id(), true, null);
                return null;
            });
        } catch (ServerRefusedException e) {
            log.error("{}: the server refused its result ({}); it is kept in {}", unit, e.getMessage(), ctx.store.dir(unit));
            handBack(unit, "result refused");
            return Outcome.of(Ending.FAILED);
        } catch (ServerUnavailableException e) {
            log.warn("{}: stopping with it unsent ({}); the next start on this work dir sends it", unit, e.getMessage());
            return Outcome.of(Ending.KEPT);
        }
        ctx.store.finish(unit);
        log.info("{} done: {}", unit, WorkerContext.describeFactors(result));
        return new Outcome(Ending.DONE, WorkerContext.found(result));
    }

    /**
     * The curves a killed worker's CPU stage 1 saved before the kill: journaled in the unit's work dir so the engine
     * appends only the missing curves to that file instead of running them all again (the newest such file; the
     * killed worker's ecm was ended before).
     */
    private void keepCutStage1(WorkUnit unit, Path runDir) throws IOException {
        Path residues = org.ecmpipe.ledger.Layout.of(runDir).residueDir();
        if (!java.nio.file.Files.isDirectory(residues)) {
            return;
        }
        Optional<Path> newest;
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(residues)) {
            newest = files.filter(f -> f.getFileName().toString().endsWith(".sav")).max(java.util.Comparator.comparing(f -> {
                try {
                    return java.nio.file.Files.getLastModifiedTime(f);
                } catch (IOException e) {
                    return java.nio.file.attribute.FileTime.fromMillis(0);
                }
            }));
        }
        if (newest.isEmpty()) {
            return;
        }
        try (WorkDir w = WorkDir.open(runDir, null, ctx.clock)) {
            w.reapOrphans();
            w.adoptCutStage1(unit.composite(), unit.b1(), newest.get());
        } catch (org.ecmpipe.ledger.WorkDirException e) {
            throw new BatchSetupException(e.getMessage());
        }
    }

    private void handBack(WorkUnit unit, String reason) throws IOException {
        boolean wasInterrupted = Thread.interrupted();
        try {
            ctx.api.finishLease(unit.id(), false, reason);
        } catch (IOException e) {
            log.warn("{} not handed back ({}): it expires on the server by itself", unit, e.getMessage());
        } catch (InterruptedException e) {
            wasInterrupted = true;
        }
        ctx.store.finish(unit);
        if (wasInterrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The residue file of the number's stage 1, as the engine journaled it, when it is worth a stage 2 (split by N when
     * ecm went on with a cofactor): none when the number is factored or its cofactor prime. Leftovers of a stage 1 a
     * kill cut short are not uploaded.
     */
    private static List<Path> residueFiles(Path runDir, CompositeResult r) throws IOException {
        if (r.cofactorPrime() || r.cofactor() == null || r.cofactor().compareTo(BigInteger.ONE) <= 0) {
            return List.of();
        }
        Optional<Path> file = WorkDir.stage1ResidueFile(runDir, r.composite(), r.b1());
        if (file.isEmpty()) {
            log.warn("no residue file journaled for the stage 1 of {}: nothing to upload", r.composite());
            return List.of();
        }
        ResidueFile.Contents c = ResidueFile.read(file.get());
        if (c.residues().isEmpty() || !c.problems().isEmpty()) {
            return List.of();
        }
        // after a factor, ecm goes on with the cofactor: its later lines have that N. The server takes one N a file,
        // so each N's lines go up as their own file (same attempt); a prime or unit N needs no stage 2
        java.util.Map<BigInteger, List<org.ecmpipe.residue.Residue>> byN = new java.util.LinkedHashMap<>();
        c.residues().forEach(x -> byN.computeIfAbsent(x.n(), k -> new java.util.ArrayList<>()).add(x));
        if (byN.size() == 1) {
            BigInteger n = byN.keySet().iterator().next();
            return n.compareTo(BigInteger.ONE) <= 0 || Primality.isPrime(n) ? List.of() : List.of(file.get());
        }
        List<Path> parts = new java.util.ArrayList<>();
        int i = 0;
        for (var g : byN.entrySet()) {
            i++;
            if (g.getKey().compareTo(BigInteger.ONE) <= 0 || Primality.isPrime(g.getKey())) {
                continue;
            }
            Path part = file.get().resolveSibling(file.get().getFileName() + ".n" + i + ".sav");
            ResidueFile.write(part, g.getValue());
            parts.add(part);
        }
        return parts;
    }

    private RunSettings settings(WorkUnit unit, Path runDir) {
        WorkerSettings s = ctx.settings;
        boolean gpu = s.gpu();
        int curves = gpu ? 1 : unit.curves();
        Integer gpuCurves = gpu ? (s.gpuCurves() != null ? s.gpuCurves() : Integer.valueOf(unit.curves())) : null;
        if (gpu && s.gpuCurves() != null) {
            curves = Math.max(1, (unit.curves() + s.gpuCurves() - 1) / s.gpuCurves());
        }
        List<Integer> devices = Collections.singletonList(s.gpuDevice());
        // a lease left in this work dir by a stage-1 run is finished as stage 1 whatever the role now
        BigInteger b2 = s.role() != Role.BOTH ? BigInteger.ZERO : null;
        // fixed split (each stage its own processes, as run --fixed-split): a killed worker's CPU stage 1 is one
        // save file that WorkDir.adoptCutStage1 can take over; shared-core chunks would not be
        return new RunSettings(s.ecmPath(), unit.b1(), b2, curves, gpu ? 3 : unit.param(), gpu, devices, gpuCurves, null, 1,
                s.stage1Timeout(), s.stage2Workers(), s.curveTimeout(), false, 0, runDir, null, 1,
                s.role() != Role.BOTH, null, null, true, true, false, false, null, null, null, true);
    }
}
