package org.ecmpipe.pipeline;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.ecmpipe.ecm.EcmException;
import org.ecmpipe.ecm.FoundFactor;
import org.ecmpipe.residue.Residue;
import org.ecmpipe.residue.ResidueFile;
import org.ecmpipe.result.CompositeResult;
import org.ecmpipe.result.Factor;
import org.ecmpipe.result.Factorization;
import org.ecmpipe.result.Reason;
import org.ecmpipe.result.ResultBuilder;
import org.ecmpipe.stage1.Stage1Engine;
import org.ecmpipe.stage1.Stage1Request;
import org.ecmpipe.stage1.Stage1Result;
import org.ecmpipe.stage2.Stage2Executor;
import org.ecmpipe.stage2.Stage2Request;
import org.ecmpipe.stage2.Stage2Result;
import org.ecmpipe.stage2.Stage2Verdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GPU stage-1 / CPU stage-2 pipeline. Each stage-1 producer (one per GPU, or the CPU) takes the next number,
 * runs its stage 1 and hands the residues over a bounded queue to the stage-2 thread, which runs them on the
 * worker pool while the producers go on with the next numbers. The queue's bound keeps the GPU from running
 * far ahead of stage 2 (and residue files from piling up).
 *
 * <p>Durability comes first: each step is written to the {@link Checkpoints} and each finished number to the
 * {@link ResultSink} before the next step starts and before any {@link PipelineListener} hears of it. A checkpoint
 * or result that cannot be written stops the whole run, and {@link #run} throws it.
 */
public final class Pipeline {

    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);
    /** Tries of a stage 1 whose ecm is killed by a signal ecmpipe did not send; other failures are not retried. */
    static final int STAGE1_TRIES = 3;

    private final List<Stage1Engine> producers;
    private final Stage2Executor executor;
    private final PipelineOptions options;
    private final Checkpoints checkpoints;
    private final ResultSink sink;
    private final ResidueFiles residueFiles;
    private final PipelineListener listener;
    private final String ecmVersion;
    private final Consumer<String> ecmOutput;
    private final Clock clock;
    private final AutoB2 autoB2;

    /** What the pipeline works with; listeners and ecm output are for observers only. */
    public record Parts(List<Stage1Engine> producers, Stage2Executor executor, Checkpoints checkpoints, ResultSink sink,
                        ResidueFiles residueFiles, String ecmVersion) {
        public Parts {
            producers = List.copyOf(producers);
            if (producers.isEmpty()) {
                throw new IllegalArgumentException("at least one stage-1 producer is needed");
            }
        }
    }

    /** @param ecmOutput receives every line stage-1 ecm prints (verbose logs) */
    public Pipeline(Parts parts, PipelineOptions options, PipelineListener listener, Consumer<String> ecmOutput,
                    Clock clock) {
        this.producers = parts.producers();
        this.executor = parts.executor();
        this.checkpoints = parts.checkpoints();
        this.sink = parts.sink();
        this.residueFiles = parts.residueFiles();
        this.ecmVersion = parts.ecmVersion();
        this.options = options;
        this.listener = listener;
        this.ecmOutput = ecmOutput;
        this.clock = clock;
        this.autoB2 = options.b2Auto() ? new AutoB2(options.b1()) : null;
    }

    /**
     * Runs every number; blocks until all are done, the calling thread is interrupted, or a checkpoint or result
     * cannot be written.
     *
     * @throws IOException the first checkpoint or result that could not be written (the run stopped there)
     */
    public PipelineReport run(List<PlannedNumber> work) throws IOException {
        return new Execution(work).execute();
    }

    /** A number whose stage 1 ended, on its way to stage 2. A null number marks the end of the work. */
    private record Handoff(PlannedNumber number, Stage1Result stage1, String error, Duration stage1Time, boolean reused,
                           String device) {
    }

    /** An ecm that died of a signal (exit status 128 + n): something outside killed it, so another try may work. */
    private static boolean killedBySignal(Stage1Result result) {
        // ecmpipe's own kill at the stage-1 timeout is a SIGKILL too: that one is a hang, not worth another try
        return result.failed() && result.exitCode() > 128 && !result.error().contains("past its timeout");
    }

    /** Whether ECM still has work on the number: its cofactor, after what stage 0 and stage 1 found, is composite. */
    private static boolean needsStage2(Factorization f) {
        return !f.cofactorIsPrime();
    }

    private static boolean needsStage2(PlannedNumber number, List<FoundFactor> stage1Factors) {
        Factorization f = new Factorization(number.composite().value());
        number.smallFactors().forEach(s -> f.add(s.factor().pow(s.exponent()), s.stage(), s.sigma()));
        stage1Factors.forEach(x -> f.add(x.factor(), x.step(), x.sigma()));
        return needsStage2(f);
    }

    /** A number's result, and its stage 2 when one ran. */
    private record Finished(CompositeResult result, Stage2Result stage2) {
    }

    private final class Execution {
        private final List<PlannedNumber> work;
        private final BlockingQueue<Handoff> queue = new ArrayBlockingQueue<>(options.queueDepth());
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger producersLeft = new AtomicInteger(producers.size());
        private final AtomicBoolean stopping = new AtomicBoolean();
        private final AtomicLong stage1Nanos = new AtomicLong();
        private final AtomicLong stage2Nanos = new AtomicLong();
        private final List<CompositeResult> results = new ArrayList<>();
        private final List<Thread> threads = new ArrayList<>();
        private final AtomicReference<IOException> writeFailure = new AtomicReference<>();

        Execution(List<PlannedNumber> work) {
            this.work = List.copyOf(work);
        }

        PipelineReport execute() throws IOException {
            long start = System.nanoTime();
            List<Thread> producerThreads = new ArrayList<>();
            for (Stage1Engine engine : producers) {
                producerThreads.add(Thread.ofPlatform().name(engine.name() + " Thread").unstarted(() -> produce(engine)));
            }
            Thread consumer = Thread.ofPlatform().name("CPU Thread").unstarted(this::consume);
            synchronized (threads) {
                threads.addAll(producerThreads);
                threads.add(consumer);
            }
            producerThreads.forEach(Thread::start);
            consumer.start();
            boolean interrupted = false;
            try {
                for (Thread t : threads) {
                    t.join();
                }
            } catch (InterruptedException e) {
                interrupted = true;
                stopAll();
                for (Thread t : threads) {
                    joinQuietly(t);
                }
                Thread.currentThread().interrupt();
            }
            IOException failure = writeFailure.get();
            if (failure != null) {
                throw failure;
            }
            synchronized (results) {
                return new PipelineReport(results, Duration.ofNanos(System.nanoTime() - start),
                        Duration.ofNanos(stage1Nanos.get()), Duration.ofNanos(stage2Nanos.get()), producers.size(),
                        interrupted || results.size() < work.size());
            }
        }

        /** A checkpoint or result could not be written: nothing more may be done, so everything stops. */
        private void failed(IOException e) {
            if (writeFailure.compareAndSet(null, e)) {
                log.error("{}; stopping the run", e.getMessage());
                stopAll();
            }
        }

        private void stopAll() {
            stopping.set(true);
            threads.forEach(Thread::interrupt);
        }

        private void produce(Stage1Engine engine) {
            try {
                while (!stopping.get()) {
                    int i = next.getAndIncrement();
                    if (i >= work.size()) {
                        return;
                    }
                    PlannedNumber number = work.get(i);
                    if (number.reusedStage1() != null) {
                        listener.stage1Reused(engine.name(), number);
                        queue.put(new Handoff(number, number.reusedStage1(), null, number.reusedStage1().elapsed(), true,
                                null));
                        continue;
                    }
                    checkpoints.stage1Started(number);
                    listener.stage1Started(engine.name(), number);
                    long t0 = System.nanoTime();
                    Stage1Result result = null;
                    String error = null;
                    PlannedNumber.PartialStage1 partial = engine.savesCurveByCurve() ? number.partialStage1() : null;
                    Path residueFile = null;
                    for (int attempt = 1; attempt <= STAGE1_TRIES && !stopping.get(); attempt++) {
                        residueFile = partial != null && attempt == 1 ? partial.residueFile() : residueFiles.next(number);
                        int curves = engine.curvesFor(options.stage1Curves());
                        int saved = partial != null && attempt == 1 ? Math.min(partial.curves(), curves - 1) : 0;
                        try {
                            result = engine.run(new Stage1Request(number.ecmInput(), options.b1(), curves, residueFile,
                                    options.stage1Timeout(), saved), ecmOutput);
                            error = result.error();
                        } catch (EcmException | IllegalStateException e) {
                            result = null;
                            error = e.getMessage();
                        }
                        if (result == null || !killedBySignal(result) || attempt == STAGE1_TRIES || stopping.get()) {
                            break;
                        }
                        log.warn("[{}/{}] stage-1 ecm was killed by signal {} (not by ecmpipe: the OOM killer, an"
                                + " operator?); trying again ({} of {})", number.position(), work.size(),
                                result.exitCode() - 128, attempt + 1, STAGE1_TRIES);
                    }
                    Duration took = Duration.ofNanos(System.nanoTime() - t0);
                    stage1Nanos.addAndGet(took.toNanos());
                    if ((stopping.get() || Thread.currentThread().isInterrupted()) && engine.savesCurveByCurve()
                            && residueFile != null && (result == null || result.failed())) {
                        // a stop cut stage 1 short: the curves it saved are kept for the next run to go on from
                        checkpoints.stage1Cut(number, residueFile);
                        return;
                    }
                    if (result != null) {
                        result.warnings().forEach(w -> log.warn("[{}/{}] {}", number.position(), work.size(), w));
                    }
                    if (result != null && !result.failed()) {
                        checkResiduesSaved(number, result);
                        checkpoints.stage1Done(number, result);
                    }
                    if (result != null) {
                        listener.stage1Finished(engine.name(), number, result);
                    }
                    queue.put(new Handoff(number, result, error, took, false, engine.device())); // waits while stage 2 is behind
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                failed(e);
            } finally {
                if (producersLeft.decrementAndGet() == 0) {
                    endOfWork();
                }
            }
        }

        /**
         * A stage 1 that ran but left no readable residues for a number that still needs stage 2 could not write
         * them (disk full, file system turned read-only): that is not the number's failure, so the run stops as for
         * any failed write, and a later run redoes this stage 1.
         */
        private void checkResiduesSaved(PlannedNumber number, Stage1Result result) throws IOException {
            if (!options.stage2Enabled() || !needsStage2(number, result.factors())) {
                return;
            }
            Path file = result.residueFile();
            String problem;
            if (!Files.exists(file)) {
                problem = "it is missing";
            } else {
                ResidueFile.Contents contents = ResidueFile.read(file);
                problem = contents.residues().isEmpty() ? "it holds no residue"
                        : contents.problems().isEmpty() ? null : contents.problems().size() + " line(s) are cut short or damaged";
            }
            if (problem != null) {
                throw new IOException("stage 1 of number " + number.position() + " could not save its residues in " + file
                        + ": " + problem + " (is the disk full or read-only?)");
            }
        }

        private void endOfWork() {
            if (stopping.get()) {
                return; // the consumer is being stopped too; nobody waits for the marker
            }
            try {
                queue.put(new Handoff(null, null, null, Duration.ZERO, false, null));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopping.set(true);
            }
        }

        private void consume() {
            try {
                while (true) {
                    Handoff h = queue.take();
                    if (h.number() == null) {
                        return;
                    }
                    long t0 = System.nanoTime();
                    Finished finished = finish(h);
                    stage2Nanos.addAndGet(System.nanoTime() - t0);
                    if (Thread.interrupted()) {
                        // stage 2 was cut short: no result, but what it did is kept for the next run
                        if (finished.stage2() != null) {
                            checkpoints.stage2Cut(h.number(), finished.stage2());
                            listener.stage2Interrupted(h.number(), finished.stage2());
                        }
                        return;
                    }
                    CompositeResult result = finished.result();
                    sink.accept(result);
                    synchronized (results) {
                        results.add(result);
                    }
                    listener.numberFinished(h.number(), result);
                    removeResidues(h);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                failed(e);
            } finally {
                if (!stopping.getAndSet(true)) {
                    producerThreadsInterrupt(); // none may stay blocked on a queue nobody reads
                }
            }
        }

        private void producerThreadsInterrupt() {
            for (Thread t : threads) {
                if (t != Thread.currentThread()) {
                    t.interrupt();
                }
            }
        }

        private Finished finish(Handoff h) {
            PlannedNumber number = h.number();
            Instant started = clock.instant().minus(h.stage1Time());
            Factorization f = new Factorization(number.composite().value());
            number.smallFactors().forEach(s -> f.add(s.factor().pow(s.exponent()), s.stage(), s.sigma()));
            Stage1Result s1 = h.stage1();
            if (s1 != null) {
                s1.factors().forEach(x -> addVerified(f, x, number));
            }
            PlannedNumber.PriorStage2 prior = number.priorStage2();
            if (prior != null) {
                prior.factors().forEach(x -> addVerified(f, x, number));
            }
            int priorCurves = prior == null ? 0 : prior.completedLines().size();
            double priorSeconds = prior == null ? 0 : prior.seconds();
            ResultBuilder result = ResultBuilder.of(number.composite().value(), clock)
                    .bounds(options.b1(), null)
                    .param(producers.getFirst().param())
                    .stage1(s1 == null ? 0 : s1.curves(), h.stage1Time().toNanos() / 1e9, h.reused(), h.device())
                    .stage2(priorCurves, priorSeconds)
                    .ecmVersion(ecmVersion)
                    .input(number.composite().expression())
                    .ecmInput(number.ecmInput())
                    .b2Default(options.b2() == null && !options.b2Auto())
                    .b2Min(options.b2Min())
                    .startedAt(started);
            if (h.error() != null) {
                return new Finished(result.factorization(f).failed(Reason.STAGE1_FAILED, h.error()), null);
            }
            if (!needsStage2(f) || !options.stage2Enabled()) {
                // the cofactor is 1 or prime: stage 2 has nothing to work on (ecm saved no residues for it); a
                // composite factor found whole stays listed as composite
                result.bounds(options.b1(), options.stage2Enabled() ? null : BigInteger.ZERO);
                return new Finished(result.factorization(f).done(), null);
            }
            List<Residue> residues;
            try {
                residues = Files.exists(s1.residueFile()) ? ResidueFile.read(s1.residueFile()).residues() : List.of();
            } catch (IOException e) {
                return new Finished(result.factorization(f).failed(Reason.RESIDUES_UNREADABLE, e.getMessage()), null);
            }
            if (residues.isEmpty()) {
                return new Finished(result.factorization(f).failed(Reason.STAGE1_NO_RESIDUES, "in " + s1.residueFile()), null);
            }
            if (prior != null) {
                residues = residues.stream().filter(r -> !prior.completedLines().contains(r.lineNumber())).toList();
            }
            List<BigInteger> known = f.factors().stream().map(Factor::factor).toList();
            listener.stage2Started(number, residues.size());
            BigInteger b2 = autoB2 != null ? autoB2.current() : options.b2();
            Stage2Result s2 = executor.run(new Stage2Request(number.ecmInput(), options.b1(), b2, residues,
                    options.stage2Workers(), options.continueAfterFactor(), options.progressInterval(),
                    options.curveTimeout(), known, autoB2 != null ? null : options.b2Min()), listener.stage2Listener(number));
            listener.stage2Finished(number, s2);
            if (autoB2 != null && !s2.stoppedEarly() && s2.curvesCompleted() == residues.size() && !h.reused()) {
                autoB2.observe(h.stage1Time().toNanos() / 1e9, s2.elapsed().toNanos() / 1e9, s2.b2());
            }
            s2.factors().forEach(x -> addVerified(f, x, number));
            result.bounds(options.b1(), s2.b2())
                    .stage2(priorCurves + s2.curvesCompleted(), priorSeconds + s2.elapsed().toNanos() / 1e9)
                    .factorization(f);
            Stage2Verdict verdict = Stage2Verdict.of(s2, f);
            return new Finished(verdict.failed() ? result.failed(Reason.STAGE2_FAILED, verdict.detail()) : result.done(), s2);
        }

        private void addVerified(Factorization f, FoundFactor found, PlannedNumber number) {
            if (f.add(found.factor(), found.step(), found.sigma()) == Factorization.Outcome.NOT_A_DIVISOR) {
                log.warn("[{}/{}] ecm reported {} (sigma {}), which does not divide the number: ignored",
                        number.position(), work.size(), found.factor(), found.sigma());
            }
        }

        private void removeResidues(Handoff h) {
            if (options.keepResidues() || h.stage1() == null) {
                return;
            }
            try {
                Files.deleteIfExists(h.stage1().residueFile());
            } catch (IOException e) {
                log.warn("cannot remove {}: {}", h.stage1().residueFile(), e.getMessage());
            }
        }

        private void joinQuietly(Thread t) {
            try {
                t.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
