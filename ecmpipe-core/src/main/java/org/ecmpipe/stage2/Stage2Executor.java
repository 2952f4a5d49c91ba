package org.ecmpipe.stage2;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.ecmpipe.ecm.ChildProcesses;
import org.ecmpipe.ecm.EcmBinary;
import org.ecmpipe.ecm.EcmCommand;
import org.ecmpipe.ecm.FoundFactor;
import org.ecmpipe.residue.Residue;
import org.ecmpipe.result.Factorization;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs stage 2 of one number on W CPU workers, each an {@code ecm -resume -} process. Workers take the next
 * residue line when they finish their last one, so a slow curve never leaves the others idle, and each keeps
 * the next lines queued in its ecm process (see {@link ResumeWorker}), so ecm never waits for this process between
 * curves. A new factor ends every worker at once (SIGKILL, with the output ecm printed before it died still read, so
 * the curves it finished count) unless the request asks to continue after a factor. When {@link #run} returns, none
 * of its ecm processes is left running.
 */
public final class Stage2Executor {

    private static final Logger log = LoggerFactory.getLogger(Stage2Executor.class);
    /** This many curves failing in a row, with none completing between them, ends the number's stage 2. */
    static final int MAX_CONSECUTIVE_FAILURES = 3;

    private final EcmBinary ecm;
    private final ChildProcesses children;
    private final Integer maxMemoryMb;

    public Stage2Executor(EcmBinary ecm, ChildProcesses children) {
        this(ecm, children, null);
    }

    /** @param maxMemoryMb ecm's {@code -maxmem} for stage 2 (MB per worker), or null for no limit */
    public Stage2Executor(EcmBinary ecm, ChildProcesses children, Integer maxMemoryMb) {
        this.ecm = ecm;
        this.children = children;
        this.maxMemoryMb = maxMemoryMb;
    }

    /**
     * Runs stage 2 and blocks until it is done, stopped by a factor, or the calling thread is interrupted (then
     * the workers are ended and the partial result returned with the interrupt flag set).
     */
    public Stage2Result run(Stage2Request request, Stage2Listener listener) {
        return new Run(request, listener).execute();
    }

    /**
     * Stage 2 of one number that threads of the caller join one at a time ({@link Session#work}), each running one
     * {@code ecm -resume -} worker while lines are left to take: the work-conserving CPU mode, where the same cores
     * also run stage 1. {@code request.workers()} is the most workers that will join at once.
     */
    public Session open(Stage2Request request, Stage2Listener listener) {
        Run run = new Run(request, listener);
        if (!run.streaming) {
            log.warn("stdbuf not found: stage 2 starts one ecm process per curve");
        }
        return new Session(run);
    }

    /**
     * A number's stage 2 open to workers. A factor (unless the request continues after factors) or {@link #stop}
     * ends every worker's ecm at once; {@link #finish} returns the result once every worker has left.
     */
    public static final class Session {
        private final Run run;
        private int inside;
        private boolean claimed;

        private Session(Run run) {
            this.run = run;
        }

        /** Whether a worker joining now would find a line to take. */
        public boolean open() {
            return !run.stopping.get() && run.nextCurve.get() < run.request.residues().size();
        }

        /**
         * Runs lines on the calling thread until none is left to take (or the session stops), then ends its ecm.
         *
         * @return true for exactly one caller: the one that left last with nothing left to take, which should
         *     {@link #finish} the session
         */
        public boolean work() {
            synchronized (this) {
                inside++;
            }
            boolean last = false;
            try {
                run.work(run.newWorker());
            } finally {
                synchronized (this) {
                    inside--;
                    notifyAll();
                    if (inside == 0 && !open() && !claimed) {
                        claimed = true;
                        last = true;
                    }
                }
            }
            return last;
        }

        /** Stops handing out lines and ends every worker's ecm now (a stop of the whole run). */
        public void stop() {
            run.stop("stopped");
        }

        /**
         * Waits until every worker has left (a stopped session's workers leave at once), ends any ecm left and
         * returns what stage 2 did.
         */
        public Stage2Result finish() {
            boolean interrupted = false;
            synchronized (this) {
                claimed = true;
                while (inside > 0) {
                    try {
                        wait(Duration.ofSeconds(1).toMillis());
                    } catch (InterruptedException e) {
                        interrupted = true;
                        run.stop("interrupted");
                    }
                }
            }
            run.end();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return run.result();
        }
    }

    /** The shared state of one {@link #run} call. */
    private final class Run implements ResumeWorker.Curves {
        private final Stage2Request request;
        private final Stage2Listener listener;
        private final AtomicInteger nextCurve = new AtomicInteger();
        private final AtomicInteger completed = new AtomicInteger();
        private final AtomicInteger consecutiveFailures = new AtomicInteger();
        private final AtomicBoolean stopping = new AtomicBoolean();
        private final AtomicBoolean stoppedByFactor = new AtomicBoolean();
        private final AtomicReference<BigInteger> effectiveB2 = new AtomicReference<>();
        private final Set<Process> processes = ConcurrentHashMap.newKeySet();
        private final Factorization factorization;
        private final List<FoundFactor> factors = new ArrayList<>();
        private final List<CurveFailure> failures = new ArrayList<>();
        private final Set<Integer> completedLines = ConcurrentHashMap.newKeySet();
        private final long startNanos = System.nanoTime();
        private final int workers;
        private final List<String> command;
        private final boolean streaming;
        private final AtomicInteger workerIds = new AtomicInteger();
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform()
                .daemon().name("stage2-timeouts").unstarted(r));

        Run(Stage2Request request, Stage2Listener listener) {
            this.request = request;
            this.listener = listener;
            this.factorization = new Factorization(request.composite());
            this.workers = Math.min(request.workers(), request.residues().size());
            request.knownFactors().forEach(f -> factorization.add(f, 0, null));
            this.command = EcmCommand.resumeFromStdin(ecm, request.b1(), request.b2Min(), request.b2(), maxMemoryMb);
            this.streaming = ecm.stdbuf() != null;
        }

        ResumeWorker newWorker() {
            return new ResumeWorker(workerIds.incrementAndGet(), command, streaming, children, timer, listener::ecmOutput);
        }

        /** Ends every ecm still running and the curve watchdogs' timer. */
        void end() {
            processes.forEach(p -> ChildProcesses.end(p, Duration.ZERO));
            timer.shutdownNow();
        }

        synchronized Stage2Result result() {
            return new Stage2Result(request.composite(), request.b1(),
                    effectiveB2.get() != null ? effectiveB2.get() : request.b2(), request.residues().size(),
                    completed.get(), factors, failures, Duration.ofNanos(System.nanoTime() - startNanos),
                    stoppedByFactor.get(), completedLines);
        }

        Stage2Result execute() {
            if (!streaming) {
                log.warn("stdbuf not found: stage 2 starts one ecm process per curve");
            }
            try (ExecutorService pool = Executors.newThreadPerTaskExecutor(
                         // platform threads: each reads ecm's pipe line by line, which a virtual thread does at the
                         // cost of a carrier hand-off per read (measured: most of the JVM's steady-state CPU)
                         Thread.ofPlatform().daemon().name("stage2-worker-", 1).factory())) {
                List<Future<?>> running = new ArrayList<>();
                for (int w = 1; w <= workers; w++) {
                    ResumeWorker worker = newWorker();
                    running.add(pool.submit(() -> work(worker)));
                }
                try {
                    for (Future<?> f : running) {
                        f.get();
                    }
                } catch (InterruptedException e) {
                    stop("interrupted");
                    pool.shutdown();
                    Thread.currentThread().interrupt();
                } catch (java.util.concurrent.ExecutionException e) {
                    stop("worker error");
                    throw new IllegalStateException("stage-2 worker failed", e.getCause());
                }
            } finally {
                end();
            }
            return result();
        }

        private void work(ResumeWorker worker) {
            try {
                worker.runAll(this, request.curveTimeout());
            } catch (ResumeWorker.CannotStart e) {
                Residue residue = e.curve().residue();
                fail(new CurveFailure(residue.lineNumber(), residue.curve(), "cannot start ecm: " + e.getMessage()));
                stop("ecm cannot be started");
            }
        }

        /**
         * Hands out the next line. A line to queue behind the {@code inEcm} a worker has already is refused when fewer
         * than {@code workers * inEcm} lines would be left: near the end a worker that falls idle should find a line to
         * take rather than lines waiting behind another worker's (one behind each at most once fewer than
         * {@code workers} are left, as many as a worker keeps while plenty are).
         */
        @Override
        public ResumeWorker.Curve next(int inEcm) {
            int total = request.residues().size();
            while (!stopping.get()) {
                int index = nextCurve.get();
                if (index >= total || (inEcm > 0 && total - index - 1 < workers * inEcm)) {
                    return null;
                }
                if (nextCurve.compareAndSet(index, index + 1)) {
                    return new ResumeWorker.Curve(index, request.residues().get(index));
                }
            }
            return null;
        }

        @Override
        public void finished(ResumeWorker.Curve curve, CurveOutcome outcome) {
            record(curve.residue(), outcome);
        }

        @Override
        public boolean stopping() {
            return stopping.get();
        }

        @Override
        public void started(Process p) {
            processes.add(p);
            p.onExit().thenRun(() -> processes.remove(p));
            if (stopping.get()) {
                ChildProcesses.end(p, Duration.ZERO);
            }
        }

        private void record(Residue residue, CurveOutcome outcome) {
            if (outcome.b2() != null) {
                effectiveB2.compareAndSet(null, outcome.b2());
            }
            if (outcome.sigma() != null && residue.curve() != null
                    && outcome.sigma().param() != residue.curve().param()) {
                log.warn("line {}: ecm resumed sigma {} but the line says param {}", residue.lineNumber(),
                        outcome.sigma(), residue.effectiveParam());
            }
            outcome.factors().forEach(this::offerFactor);
            switch (outcome.status()) {
                case COMPLETED -> {
                    consecutiveFailures.set(0);
                    completedLines.add(residue.lineNumber());
                    int done = completed.incrementAndGet();
                    Stage2Progress progress = new Stage2Progress(done, request.residues().size(), factorCount(),
                            Duration.ofNanos(System.nanoTime() - startNanos));
                    listener.curveCompleted(progress);
                    if (request.progressInterval() > 0 && done % request.progressInterval() == 0) {
                        listener.progress(progress);
                    }
                }
                case SKIPPED -> log.debug("line {}: ecm skipped it{}", residue.lineNumber(),
                        outcome.detail().isEmpty() ? "" : " (" + outcome.detail() + ")");
                case STOPPED -> { }
                case DIED, TIMED_OUT -> {
                    fail(new CurveFailure(residue.lineNumber(), outcome.sigma(), outcome.detail()));
                    if (consecutiveFailures.incrementAndGet() >= MAX_CONSECUTIVE_FAILURES) {
                        stop(MAX_CONSECUTIVE_FAILURES + " curves failed in a row");
                    }
                }
            }
        }

        private void offerFactor(FoundFactor found) {
            Factorization.Outcome outcome;
            synchronized (this) {
                outcome = factorization.add(found.factor(), found.step(), found.sigma());
                if (outcome == Factorization.Outcome.NEW) {
                    factors.add(found);
                }
            }
            switch (outcome) {
                case NEW -> {
                    listener.factorFound(found);
                    if (!request.continueAfterFactor()) {
                        stoppedByFactor.set(true);
                        stop("factor found");
                    }
                }
                case NOT_A_DIVISOR -> log.warn("ecm reported {} (sigma {}), which does not divide {}: ignored",
                        found.factor(), found.sigma(), request.composite());
                default -> { }
            }
        }

        private synchronized int factorCount() {
            return factors.size();
        }

        private void fail(CurveFailure failure) {
            synchronized (this) {
                failures.add(failure);
            }
            listener.curveFailed(failure);
        }

        /**
         * Stops handing out curves and kills every worker process now; each worker then reads what its ecm printed
         * before it died (curves it finished while the worker slept count, with their factors).
         */
        private void stop(String why) {
            if (stopping.compareAndSet(false, true)) {
                log.debug("stage 2 of {}: stopping ({})", request.composite(), why);
            }
            processes.forEach(ChildProcesses::kill);
        }
    }
}
