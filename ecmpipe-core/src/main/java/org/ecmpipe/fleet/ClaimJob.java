package org.ecmpipe.fleet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ecmpipe.batch.ResidueFileRun;
import org.ecmpipe.batch.Stage2Settings;
import org.ecmpipe.durable.AtomicFile;
import org.ecmpipe.ecm.EcmBinary;
import org.ecmpipe.fleet.WorkerContext.Ending;
import org.ecmpipe.fleet.WorkerContext.Outcome;
import org.ecmpipe.residue.CompositeResidues;
import org.ecmpipe.residue.ResidueFile;
import org.ecmpipe.result.CompositeResult;
import org.ecmpipe.stage2.Stage2Listener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One claimed residue file: downloaded (SHA-256 checked, every line parsed) into the unit's directory, its stage 2
 * run by the engine ({@link ResidueFileRun}, the executor of {@code ecmpipe stage2}) in the unit's own work dir while
 * a heartbeat extends the claim, the result submitted (the server links it to the residue's stage-1 attempt), the
 * claim completed with that attempt.
 */
final class ClaimJob {
    static final String RESIDUE_FILE = "residue.sav";
    private static final Logger log = LoggerFactory.getLogger(ClaimJob.class);

    private final WorkerContext ctx;

    ClaimJob(WorkerContext ctx) {
        this.ctx = ctx;
    }

    /**
     * @param claimTime how long a claim holds without a heartbeat (asked for at claim time)
     * @param resumed the unit was left by an earlier worker on this work dir: run only if the claim still holds
     */
    Outcome run(WorkUnit unit, Duration claimTime, boolean resumed) throws IOException, InterruptedException {
        long residue = Long.parseLong(unit.id());
        Path file = ctx.store.dir(unit).resolve(RESIDUE_FILE);
        Path runDir = ctx.store.runDir(unit);
        if (!Files.exists(file)) {
            if (resumed) {
                handBack(unit, residue);
                return Outcome.of(Ending.LOST);
            }
            byte[] content;
            try {
                content = ctx.retry.call("downloading " + unit, () -> ctx.api.download(residue));
            } catch (ServerRefusedException e) {
                // the file is gone (deleted, or the claim taken back): nothing ran, the worker goes on with other work
                log.warn("{}: the server refused the download ({}); handing the claim back", unit, e.getMessage());
                handBack(unit, residue);
                return Outcome.of(Ending.LOST);
            }
            Path part = ctx.store.dir(unit).resolve(RESIDUE_FILE + ".part");
            AtomicFile.write(part, content);
            ResidueFile.Contents c = ResidueFile.read(part);
            if (!c.problems().isEmpty() || c.residues().isEmpty()) {
                log.error("{}: the downloaded file is unusable ({}); handing the claim back", unit,
                        c.problems().isEmpty() ? "no residue lines" : c.problems().getFirst());
                handBack(unit, residue);
                return Outcome.of(Ending.FAILED);
            }
            Files.move(part, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        ResidueFile.Contents contents = ResidueFile.read(file);
        List<CompositeResidues> numbers = CompositeResidues.group(contents.residues(), contents.problems());
        List<CompositeResult> results = new ArrayList<>();
        for (CompositeResidues n : numbers) {
            WorkerContext.recorded(runDir, n.composite()).filter(r -> settles(r, n)).ifPresent(results::add);
        }
        if (results.size() < numbers.size()) {
            results.clear();
            if (resumed) {
                if (!ctx.retry.call("heartbeat of " + unit, () -> ctx.api.extendClaim(residue, claimTime.toSeconds()))) {
                    log.info("{} left by an earlier worker is no longer claimed by this worker: dropped", unit);
                    ctx.store.finish(unit);
                    return Outcome.of(Ending.LOST);
                }
                log.info("Resuming {} left by an earlier worker: the claim still holds (its stage 2 runs again)", unit);
            }
            Thread runner = Thread.currentThread();
            ResidueFileRun engine = new ResidueFileRun(new Stage2Settings(ctx.settings.ecmPath(), null, ctx.settings.stage2Workers(),
                    ctx.settings.curveTimeout(), false, 0, runDir, null, null, null, null), ctx.clock);
            Heartbeat beat = new Heartbeat(unit.toString(), claimTime, ctx.clock,
                    () -> ctx.api.extendClaim(residue, claimTime.toSeconds()), runner::interrupt);
            WorkUnit claimed = unit;
            WorkerContext.Guarded<ResidueFileRun.Outcome> run = ctx.underHeartbeat(beat, engine::endChildrenNow,
                    () -> engine.run(numbers, new ResidueFileRun.Listener() {
                        @Override
                        public Stage2Listener starting(int position, int count, CompositeResidues number, EcmBinary ecm) {
                            return Stage2Listener.NONE;
                        }

                        @Override
                        public void finished(int position, int count, CompositeResult result) {
                        }
                    }),
                    why -> handBack(claimed, residue));
            if (run.stoppedBeforeStart()) {
                return Outcome.of(Ending.HANDED_BACK);
            }
            ResidueFileRun.Outcome outcome = run.outcome();
            boolean interrupted = run.interrupted();
            boolean lost = run.lost();
            if (lost) {
                log.info("{}: claim lost; its partial stage 2 is not sent", unit);
                ctx.store.finish(unit);
                return Outcome.of(Ending.LOST);
            }
            if (interrupted || outcome.stopped()) {
                ctx.stop();
                handBack(unit, residue);
                return Outcome.of(Ending.HANDED_BACK);
            }
            results.addAll(outcome.results());
        }
        Optional<CompositeResult> failed = results.stream().filter(r -> r.status() != CompositeResult.Status.DONE).findFirst();
        if (failed.isPresent()) {
            log.warn("{}: stage 2 failed here ({}); handing the claim back", unit, failed.get().reasonText());
            handBack(unit, residue);
            return Outcome.of(Ending.FAILED);
        }
        List<java.math.BigInteger> factors = new ArrayList<>();
        try {
            for (CompositeResult r : results) {
                unit = ctx.submit(unit, r);
                factors.addAll(WorkerContext.found(r));
            }
            if (unit.attemptId() != null) {
                long attempt = unit.attemptId();
                ctx.retry.run("completing " + unit, () -> {
                    ctx.api.completeResidue(residue, attempt);
                    return null;
                });
            }
        } catch (ServerRefusedException e) {
            log.error("{}: the server refused its result or completion ({}); results kept in {}", unit, e.getMessage(),
                    ctx.store.dir(unit));
            if (unit.attemptId() == null) {
                handBack(unit, residue); // nothing of it was stored: the file goes back to the pool now, not at expiry
            } else {
                ctx.store.finish(unit);
            }
            return Outcome.of(Ending.FAILED);
        } catch (ServerUnavailableException e) {
            log.warn("{}: stopping with it unsent ({}); the next start on this work dir sends it", unit, e.getMessage());
            return Outcome.of(Ending.KEPT);
        }
        ctx.store.finish(unit);
        log.info("{} done: {}", unit, factors.isEmpty() ? "no factor" : "factor(s) " + factors);
        return new Outcome(Ending.DONE, factors);
    }

    /**
     * Whether a number's recorded result settles it: it failed, a factor ended its stage 2, or every line ran. A
     * worker killed while stopping can leave results of stage 2s a stop cut short (several numbers are open at once):
     * those run again rather than complete the claim with curves that never ran.
     */
    static boolean settles(CompositeResult r, CompositeResidues n) {
        return r.status() != CompositeResult.Status.DONE || r.stage2Curves() >= n.residues().size()
                || r.factors().stream().anyMatch(f -> f.stage() == 2);
    }

    private void handBack(WorkUnit unit, long residue) throws IOException {
        boolean wasInterrupted = Thread.interrupted();
        try {
            ctx.api.releaseClaim(residue);
        } catch (IOException e) {
            log.warn("{} not handed back ({}): the claim expires on the server by itself", unit, e.getMessage());
        } catch (InterruptedException e) {
            wasInterrupted = true;
        }
        ctx.store.finish(unit);
        if (wasInterrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
