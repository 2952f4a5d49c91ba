package org.ecmpipe.batch;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ecmpipe.composite.Composite;
import org.ecmpipe.composite.TrialDivision;
import org.ecmpipe.ecm.ChildProcesses;
import org.ecmpipe.ecm.EcmBinary;
import org.ecmpipe.ecm.EcmCapabilities;
import org.ecmpipe.ecm.EcmException;
import org.ecmpipe.ecm.EcmLocator;
import org.ecmpipe.ledger.PriorWork;
import org.ecmpipe.ledger.ResultLedger;
import org.ecmpipe.ledger.WorkDir;
import org.ecmpipe.pipeline.BatchPlan;
import org.ecmpipe.pipeline.Pipeline;
import org.ecmpipe.pipeline.PipelineOptions;
import org.ecmpipe.pipeline.PipelineReport;
import org.ecmpipe.pipeline.PlannedNumber;
import org.ecmpipe.result.CompositeResult;
import org.ecmpipe.stage1.CpuStage1Engine;
import org.ecmpipe.stage1.GpuStage1Engine;
import org.ecmpipe.stage1.Stage1Engine;
import org.ecmpipe.stage2.Stage2Executor;
import org.ecmpipe.submit.Submitter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batch use case, whole: given validated settings and the numbers, it opens the work dir (lock, orphans of a
 * crashed run, resume state), probes ecm, settles what needs no ECM, runs the pipeline on the rest (reusing what
 * earlier runs finished), records every result through the {@link ResultLedger} and submits it. Front ends
 * ({@code ecmpipe run}, the fleet worker) only parse options, pick the numbers and print.
 *
 * <p>Stopping: interrupt the thread in {@link #run}; it ends every ecm child, records what finished (a stage 2 cut
 * short keeps its completed curves) and returns with {@link BatchOutcome#stopped()}. {@link #endChildrenNow} is
 * the hard stop (a second Ctrl-C).
 */
public final class BatchRun {
    private static final Logger log = LoggerFactory.getLogger(BatchRun.class);
    private static final Logger ecmLog = LoggerFactory.getLogger("ecm");

    private final RunSettings settings;
    private final Clock clock;
    private final ChildScope scope = new ChildScope();
    private volatile TargetRounds rounds;

    public BatchRun(RunSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /** Ends every ecm child at once (the hard stop); the run then ends as stopped. */
    public void endChildrenNow() {
        scope.endNow();
        TargetRounds r = rounds;
        if (r != null) {
            r.endChildrenNow();
        }
    }

    /**
     * Runs the batch on the calling thread.
     *
     * @param restart set aside what earlier runs left in the work dir and start afresh
     * @throws BatchSetupException before any work, when the batch cannot start (message says why)
     * @throws IOException when a result or checkpoint could not be written: the run stopped there, and everything
     *     recorded before is intact
     */
    public BatchOutcome run(NumberSource source, BatchListener listener, boolean restart) throws IOException {
        return run(source, listener, restart, false);
    }

    /**
     * @param retryFailed run again the numbers an earlier run failed (otherwise they are listed as failed)
     */
    public BatchOutcome run(NumberSource source, BatchListener listener, boolean restart, boolean retryFailed)
            throws IOException {
        if (settings.towardsTargets()) {
            try (TargetRounds rounds = new TargetRounds(settings, clock)) {
                this.rounds = rounds;
                return rounds.run(source, listener, restart, retryFailed);
            }
        }
        return runOnce(source, listener, restart, retryFailed, false);
    }

    /** One pass over the numbers at the settings' B1 and curves. */
    BatchOutcome runOnce(NumberSource source, BatchListener listener, boolean restart, boolean retryFailed,
                         boolean moreAtSameB1) throws IOException {
        ChildProcesses children = scope.children();
        try (WorkDir workDir = openWorkDir(); scope) { // the children end before the journal closes
            if (restart) {
                restart(workDir, settings);
            }
            workDir.reapOrphans();
            if (!moreAtSameB1) {
                // rounds towards a target run several B1s in turn: residues of another B1 are kept for their round
                // (and never reused at a B1 they were not made with)
                workDir.incompatibility(settings.b1(), settings.param()).ifPresent(why -> {
                    throw new BatchSetupException("the work dir " + settings.workDir() + " " + why + ". Nothing was"
                            + " started: use the same B1 to resume, --restart to discard that work, or another --work-dir");
                });
            }
            scope.journalIn(workDir, Thread.currentThread());
            Map<BigInteger, List<CompositeResult>> earlier = workDir.earlierResults();
            workDir.reconcile(earlier, settings.submission() != null);
            if (!settings.keepResidues()) {
                workDir.removeStaleResidues();
            }
            EcmCapabilities caps = probe(children);
            EcmBinary ecm = caps.ecm();
            List<Stage1Engine> producers = producers(caps, children);

            List<Composite> todo = new ArrayList<>();
            List<Integer> positions = new ArrayList<>();
            Map<BigInteger, PriorWork> skipped = new HashMap<>();
            Map<BigInteger, CompositeResult> stepUps = new HashMap<>();
            List<Composite> numbers = source.numbers();
            for (int i = 0; i < numbers.size(); i++) {
                Composite c = numbers.get(i);
                PriorWork prior = WorkDir.prior(c.value(), settings.b1(), retryFailed, moreAtSameB1, earlier);
                if (!prior.kind().runs()) {
                    skipped.put(c.value(), prior);
                    continue;
                }
                if (prior.kind() == PriorWork.Kind.STEP_UP) {
                    stepUps.put(c.value(), prior.latest());
                } else if (prior.kind() == PriorWork.Kind.RETRY) {
                    // a retry goes on from the newest line that did finish, keeping the factors ECM found then
                    earlier.get(c.value()).reversed().stream().filter(r -> r.status() == CompositeResult.Status.DONE)
                            .findFirst().ifPresent(done -> stepUps.put(c.value(), done));
                }
                todo.add(c);
                positions.add(source.positionOf(i));
            }
            logSkipped(skipped, stepUps.size(), settings.b1(), workDir);
            skipped.values().forEach(p -> listener.alreadyDone(p.latest()));
            BatchPlan plan = BatchPlan.of(todo, positions, source.total(), new TrialDivision(TrialDivision.DEFAULT_LIMIT),
                    settings.b1(), ecm.version(), clock, stepUps);
            BigInteger stage2B2 = settings.b2Auto() ? null : !settings.stage2Enabled() ? BigInteger.ZERO
                    : settings.b2() != null ? settings.b2() : org.ecmpipe.tlevel.TLevel.defaultB2(settings.b1());
            List<PlannedNumber> work = plan.ecmWork().stream().map(n -> workDir.resume(n, settings.b1(), stage2B2)).toList();
            long reused = work.stream().filter(n -> n.reusedStage1() != null).count();
            log.info("GMP-ECM {} at {}; {} number(s) to run from {}: {} for ECM ({} with stage 1 done by an earlier run),"
                            + " {} settled by trial division or primality; B1={}, B2={}, {}",
                    ecm.version(), ecm.path(), todo.size(), source.name(), work.size(), reused, plan.settled().size(),
                    settings.b1(), settings.b2Auto() ? "auto (stage 2 as long as stage 1)"
                            : settings.b2() == null ? "default" : settings.b2Min() != null
                            ? settings.b2Min() + "-" + settings.b2() : settings.b2(),
                    settings.sharedCores() > 0 ? settings.sharedCores() + " CPU cores (" + settings.stage1Workers()
                            + " stage-1 + " + settings.stage2Workers() + " stage-2 worker(s)) shared by both stages"
                            : "stage 1 on " + producers.stream().map(Stage1Engine::name).toList() + ", "
                            + settings.stage2Workers() + " stage-2 worker(s)");
            workDir.runStarted(settings.b1(), settings.param(), settings.curves(), source.name());

            Submitter submitter = Submissions.open(workDir, settings.submission());
            PipelineReport report;
            try (Submitter closing = submitter; ResultLedger ledger = workDir.ledger(Submissions.forLedger(submitter))) {
                if (submitter != null) {
                    for (CompositeResult unsent : workDir.writtenNotQueued(earlier)) {
                        ledger.requeue(unsent);
                    }
                    submitter.resendPending();
                }
                for (CompositeResult settled : plan.settled()) {
                    ledger.accept(settled);
                    listener.settled(settled);
                }
                Pipeline pipeline = new Pipeline(new Pipeline.Parts(producers, new Stage2Executor(ecm, children, settings.maxMemoryMb()),
                        workDir.checkpoints(), ledger, n -> workDir.newResidueFile(n.position(), n.ecmInput()),
                        ecm.version()), options(), listener, line -> {
                            ecmLog.debug("[stage 1] {}", line);
                            listener.stage1Output(line);
                        }, clock);
                report = pipeline.run(work);
                boolean stopped = Thread.interrupted() || report.interrupted();
                scope.throwIfJournalFailed();
                // after a stop, a short wait for what is in flight: the rest stays in the outbox for the next run
                Submitter.Stats stats = Submissions.drain(submitter, stopped ? Duration.ofSeconds(5) : Submissions.DRAIN);
                Map<BigInteger, CompositeResult> before = new HashMap<>();
                skipped.forEach((n, prior) -> before.put(n, prior.latest()));
                List<CompositeResult> all = inInputOrder(numbers, before, plan.settled(), report.results());
                return new BatchOutcome(all, before.keySet(), numbers.size(), report, stopped, stats, workDir.resultsFile());
            }
        } catch (EcmException e) {
            throw new BatchSetupException(e.getMessage());
        }
    }

    private static void logSkipped(Map<BigInteger, PriorWork> skipped, int stepUps, long b1, WorkDir workDir) {
        Map<PriorWork.Kind, Long> byKind = new java.util.EnumMap<>(PriorWork.Kind.class);
        skipped.values().forEach(p -> byKind.merge(p.kind(), 1L, Long::sum));
        if (!skipped.isEmpty()) {
            log.info("From earlier runs in {}: {} already factored, {} already run at this B1, {} failed{} (not run again)",
                    workDir.resultsFile(), byKind.getOrDefault(PriorWork.Kind.FACTORED, 0L),
                    byKind.getOrDefault(PriorWork.Kind.DONE_AT_THIS_B1, 0L), byKind.getOrDefault(PriorWork.Kind.FAILED, 0L),
                    byKind.containsKey(PriorWork.Kind.FAILED) ? " (--retry-failed runs them again)" : "");
        }
        if (stepUps > 0) {
            log.info("{} number(s) done at another B1 and not fully factored: this run adds B1={} work on their cofactors",
                    stepUps, b1);
        }
    }

    /** {@code --restart}, queueing for submission first what was written but never queued. */
    static void restart(WorkDir workDir, RunSettings settings) throws IOException {
        try (Submitter submitter = Submissions.open(workDir, settings.submission())) {
            workDir.restart(Submissions.forLedger(submitter));
        }
    }

    private WorkDir openWorkDir() throws IOException {
        try {
            return WorkDir.open(settings.workDir(), settings.resultsFile(), clock);
        } catch (org.ecmpipe.ledger.WorkDirException e) {
            throw new BatchSetupException(e.getMessage());
        }
    }

    /** The ecm to use, with what it can do; refuses a CPU-only build for GPU work and known-bad GPU combinations. */
    private EcmCapabilities probe(ChildProcesses children) {
        EcmBinary ecm = EcmBinary.probe(EcmLocator.locate(settings.ecmPath(), null), children);
        EcmCapabilities caps = EcmCapabilities.probe(ecm, children);
        if (settings.gpu()) {
            if (!ecm.gpu()) {
                throw new BatchSetupException(ecm.path() + " (GMP-ECM " + ecm.version() + ") is not a GPU build (configured"
                        + " with " + ecm.configuredWith() + "); run stage 1 on the CPU with --no-gpu, or point --ecm at a"
                        + " GPU build");
            }
            String refusal = caps.gpuRefusal(settings.b1(), null, caps.passCgbnFlag(settings.cgbn()));
            if (refusal != null) {
                throw new BatchSetupException(refusal);
            }
        }
        log.info("{}", caps.summaryLine());
        return caps;
    }

    private List<Stage1Engine> producers(EcmCapabilities caps, ChildProcesses children) {
        EcmBinary ecm = caps.ecm();
        List<Stage1Engine> producers = new ArrayList<>();
        if (!settings.gpu()) {
            // sharing the cores, stage 1 runs in chunks of one process each, curve by curve
            int processes = settings.sharedCores() > 0 ? 1 : settings.stage1Workers();
            producers.add(new CpuStage1Engine(ecm, children, settings.param(), processes, settings.sigma()));
            return producers;
        }
        for (Integer device : settings.gpuDevices()) {
            GpuStage1Engine gpu = new GpuStage1Engine(ecm, children, device, settings.gpuCurves(),
                    caps.passCgbnFlag(settings.cgbn()));
            log.info("{}: {} curves per number ({} batch(es) of {})", gpu.name(), gpu.curvesFor(settings.curves()),
                    settings.curves(), gpu.curvesFor(1));
            producers.add(gpu);
        }
        return producers;
    }

    private PipelineOptions options() {
        return new PipelineOptions(settings.b1(), settings.b2(), settings.curves(), settings.stage2Workers(),
                settings.continueAfterFactor(), settings.progressInterval(), settings.queueDepth(), settings.keepResidues(),
                settings.stage1Timeout(), settings.curveTimeout(), settings.b2Auto(), settings.b2Min(), settings.sharedCores());
    }

    private static List<CompositeResult> inInputOrder(List<Composite> numbers, Map<BigInteger, CompositeResult> before,
                                                      List<CompositeResult> settled, List<CompositeResult> ran) {
        Map<BigInteger, CompositeResult> byNumber = new HashMap<>(before);
        settled.forEach(r -> byNumber.put(r.composite(), r));
        ran.forEach(r -> byNumber.put(r.composite(), r));
        List<CompositeResult> out = new ArrayList<>();
        for (Composite c : numbers) {
            CompositeResult r = byNumber.get(c.value());
            if (r != null) {
                out.add(r);
            }
        }
        return out;
    }

}
