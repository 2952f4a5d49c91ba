package org.ecmpipe.pipeline;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.ecmpipe.ecm.EcmException;
import org.ecmpipe.ecm.FoundFactor;
import org.ecmpipe.residue.Residue;
import org.ecmpipe.residue.ResidueFile;
import org.ecmpipe.result.CompositeResult;
import org.ecmpipe.result.Factor;
import org.ecmpipe.result.Factorization;
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
 */
public final class Pipeline {

    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);

    private final List<Stage1Engine> producers;
    private final Stage2Executor executor;
    private final PipelineOptions options;
    private final ResultSink sink;
    private final PipelineListener listener;
    private final String ecmVersion;
    private final Consumer<String> ecmOutput;

    /** @param ecmOutput receives every line stage-1 ecm prints (verbose logs) */
    public Pipeline(List<Stage1Engine> producers, Stage2Executor executor, PipelineOptions options, ResultSink sink,
                    PipelineListener listener, String ecmVersion, Consumer<String> ecmOutput) {
        if (producers.isEmpty()) {
            throw new IllegalArgumentException("at least one stage-1 producer is needed");
        }
        this.producers = List.copyOf(producers);
        this.executor = executor;
        this.options = options;
        this.sink = sink;
        this.listener = listener;
        this.ecmVersion = ecmVersion;
        this.ecmOutput = ecmOutput;
    }

    /** Runs every number; blocks until all are done or the calling thread is interrupted. */
    public PipelineReport run(List<PlannedNumber> work) throws IOException {
        return new Run(work).execute();
    }

    /** A number whose stage 1 ended, on its way to stage 2. A null number marks the end of the work. */
    private record Handoff(PlannedNumber number, Stage1Result stage1, String error, Duration stage1Time, boolean reused) {
    }

    /** A number's result, and its stage 2 when one ran. */
    private record Finished(CompositeResult result, Stage2Result stage2) {
    }

    private final class Run {
        private final List<PlannedNumber> work;
        private final BlockingQueue<Handoff> queue = new ArrayBlockingQueue<>(options.queueDepth());
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger producersLeft = new AtomicInteger(producers.size());
        private final AtomicBoolean stopping = new AtomicBoolean();
        private final AtomicLong stage1Nanos = new AtomicLong();
        private final AtomicLong stage2Nanos = new AtomicLong();
        private final List<CompositeResult> results = new ArrayList<>();
        private final List<Thread> producerThreads = new ArrayList<>();
        private volatile IOException sinkFailure;

        Run(List<PlannedNumber> work) {
            this.work = List.copyOf(work);
        }

        PipelineReport execute() throws IOException {
            long start = System.nanoTime();
            Files.createDirectories(options.residueDir());
            List<Thread> threads = new ArrayList<>();
            for (Stage1Engine engine : producers) {
                producerThreads.add(Thread.ofPlatform().name(engine.name() + " Thread").unstarted(() -> produce(engine)));
            }
            threads.addAll(producerThreads);
            producerThreads.forEach(Thread::start);
            Thread consumer = Thread.ofPlatform().name("CPU Thread").start(this::consume);
            threads.add(consumer);
            boolean interrupted = false;
            try {
                consumer.join();
                for (Thread t : threads) {
                    t.join();
                }
            } catch (InterruptedException e) {
                interrupted = true;
                stopping.set(true);
                threads.forEach(Thread::interrupt);
                for (Thread t : threads) {
                    joinQuietly(t);
                }
                Thread.currentThread().interrupt();
            }
            if (sinkFailure != null) {
                throw sinkFailure;
            }
            synchronized (results) {
                return new PipelineReport(results, Duration.ofNanos(System.nanoTime() - start),
                        Duration.ofNanos(stage1Nanos.get()), Duration.ofNanos(stage2Nanos.get()), producers.size(),
                        interrupted || results.size() < work.size());
            }
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
                        queue.put(new Handoff(number, number.reusedStage1(), null, number.reusedStage1().elapsed(), true));
                        continue;
                    }
                    listener.stage1Started(engine.name(), number);
                    long t0 = System.nanoTime();
                    Stage1Result result = null;
                    String error = null;
                    try {
                        result = engine.run(new Stage1Request(number.ecmInput(), options.b1(), engine.curvesFor(options.stage1Curves()),
                                residueFile(number), options.stage1Timeout()), ecmOutput);
                        error = result.error();
                    } catch (EcmException | IllegalStateException e) {
                        error = e.getMessage();
                    }
                    Duration took = Duration.ofNanos(System.nanoTime() - t0);
                    stage1Nanos.addAndGet(took.toNanos());
                    if (result != null) {
                        listener.stage1Finished(engine.name(), number, result);
                    }
                    queue.put(new Handoff(number, result, error, took, false)); // waits while stage 2 is behind
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                if (producersLeft.decrementAndGet() == 0) {
                    endOfWork();
                }
            }
        }

        private void endOfWork() {
            try {
                queue.put(new Handoff(null, null, null, Duration.ZERO, false));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopping.set(true);
            }
        }

        private void consume() {
            boolean allDone = false;
            try {
                while (true) {
                    Handoff h = queue.take();
                    if (h.number() == null) {
                        allDone = true;
                        return;
                    }
                    long t0 = System.nanoTime();
                    Finished finished = finish(h);
                    stage2Nanos.addAndGet(System.nanoTime() - t0);
                    if (Thread.interrupted()) {
                        // stage 2 was cut short: no result, but what it did is kept for the next run
                        if (finished.stage2() != null) {
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
                sinkFailure = e;
                log.error("cannot write a result: {}; stopping", e.getMessage());
            } finally {
                stopping.set(true);
                if (!allDone) {
                    producerThreads.forEach(Thread::interrupt); // none may stay blocked on a queue nobody reads
                }
            }
        }

        private Finished finish(Handoff h) {
            PlannedNumber number = h.number();
            Instant started = Instant.now().minus(h.stage1Time());
            Factorization f = new Factorization(number.composite().value());
            number.smallFactors().forEach(s -> f.add(s.factor().pow(s.exponent()), 0, null));
            Stage1Result s1 = h.stage1();
            if (s1 != null) {
                s1.factors().forEach(x -> addVerified(f, x, number));
            }
            int curves = s1 == null ? 0 : s1.curves();
            double s1Seconds = h.stage1Time().toNanos() / 1e9;
            PlannedNumber.PriorStage2 prior = number.priorStage2();
            if (prior != null) {
                prior.factors().forEach(x -> addVerified(f, x, number));
            }
            boolean reused = h.reused();
            if (h.error() != null) {
                return new Finished(result(number, CompositeResult.Status.FAILED, "stage 1: " + h.error(), f, null, null,
                        curves, 0, s1Seconds, 0, reused, started), null);
            }
            Integer param = producers.getFirst().param();
            int priorCurves = prior == null ? 0 : prior.completedLines().size();
            double priorSeconds = prior == null ? 0 : prior.seconds();
            if (f.isComplete() || !options.stage2Enabled()) {
                return new Finished(result(number, CompositeResult.Status.DONE, null, f,
                        options.stage2Enabled() ? null : BigInteger.ZERO, param, curves, priorCurves, s1Seconds, priorSeconds,
                        reused, started), null);
            }
            List<Residue> residues;
            try {
                residues = Files.exists(s1.residueFile()) ? ResidueFile.read(s1.residueFile()).residues() : List.of();
            } catch (IOException e) {
                return new Finished(result(number, CompositeResult.Status.FAILED, "cannot read residues: " + e.getMessage(),
                        f, null, param, curves, priorCurves, s1Seconds, priorSeconds, reused, started), null);
            }
            if (residues.isEmpty()) {
                return new Finished(result(number, CompositeResult.Status.FAILED, "stage 1 saved no residues in "
                        + s1.residueFile(), f, null, param, curves, priorCurves, s1Seconds, priorSeconds, reused, started), null);
            }
            if (prior != null) {
                residues = residues.stream().filter(r -> !prior.completedLines().contains(r.lineNumber())).toList();
            }
            List<BigInteger> known = f.factors().stream().map(Factor::factor).toList();
            listener.stage2Started(number, residues.size());
            Stage2Result s2 = executor.run(new Stage2Request(number.ecmInput(), options.b1(), options.b2(), residues,
                    options.stage2Workers(), options.continueAfterFactor(), options.progressInterval(),
                    options.curveTimeout(), known), listener.stage2Listener(number));
            listener.stage2Finished(number, s2);
            s2.factors().forEach(x -> addVerified(f, x, number));
            Stage2Verdict verdict = Stage2Verdict.of(s2, f);
            return new Finished(result(number, verdict.status(), verdict.reason(), f, s2.b2(), param, curves,
                    priorCurves + s2.curvesCompleted(), s1Seconds, priorSeconds + s2.elapsed().toNanos() / 1e9, reused,
                    started), s2);
        }

        private void addVerified(Factorization f, FoundFactor found, PlannedNumber number) {
            if (f.add(found.factor(), found.step(), found.sigma()) == Factorization.Outcome.NOT_A_DIVISOR) {
                log.warn("[{}/{}] ecm reported {} (sigma {}), which does not divide the number: ignored",
                        number.position(), work.size(), found.factor(), found.sigma());
            }
        }

        private CompositeResult result(PlannedNumber number, CompositeResult.Status status, String reason, Factorization f,
                                       BigInteger b2, Integer param, int curves, int stage2Curves, double s1, double s2,
                                       boolean reused, Instant started) {
            return new CompositeResult(number.composite().value(), status, reason, f.factors(), f.cofactor(),
                    f.cofactorIsPrime(), options.b1(), b2, param, curves, stage2Curves, s1, s2, reused, started,
                    Instant.now(), ecmVersion);
        }

        private Path residueFile(PlannedNumber number) {
            String random = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
            return options.residueDir().resolve(String.format("%05d-c%d-%s.sav", number.position(),
                    number.ecmInput().toString().length(), random));
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
