package org.ecmpipe.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
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
import org.ecmpipe.result.CompositeResult;
import org.ecmpipe.stage1.Stage1Engine;
import org.ecmpipe.stage1.Stage1Request;
import org.ecmpipe.stage1.Stage1Result;
import org.ecmpipe.stage2.Stage2Executor;
import org.ecmpipe.stage2.Stage2Result;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GPU stage-1 / CPU stage-2 pipeline (with {@link PipelineOptions#sharedCores()} set, the work-conserving CPU
 * mode of {@link SharedCores} instead). Each stage-1 producer (one per GPU, or the CPU) takes the next number,
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
        if (options.sharedCores() > 0) {
            NumberResults numberResults = new NumberResults(options, producers.getFirst().param(), ecmVersion, clock,
                    autoB2, work.size());
            return new SharedCores(producers.getFirst(), executor, options, checkpoints, sink, residueFiles, listener,
                    ecmOutput, numberResults, work).run();
        }
        return new Execution(work).execute();
    }

    /** An ecm that died of a signal (exit status 128 + n): something outside killed it, so another try may work. */
    static boolean killedBySignal(Stage1Result result) {
        // ecmpipe's own kill at the stage-1 timeout is a SIGKILL too: that one is a hang, not worth another try
        return result.failed() && result.exitCode() > 128 && !result.error().contains("past its timeout");
    }

    private final class Execution {
        private final List<PlannedNumber> work;
        private final BlockingQueue<Stage1Handoff> queue = new ArrayBlockingQueue<>(options.queueDepth());
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger producersLeft = new AtomicInteger(producers.size());
        private final AtomicBoolean stopping = new AtomicBoolean();
        private final AtomicLong stage1Nanos = new AtomicLong();
        private final AtomicLong stage2Nanos = new AtomicLong();
        private final List<CompositeResult> results = new ArrayList<>();
        private final List<Thread> threads = new ArrayList<>();
        private final AtomicReference<IOException> writeFailure = new AtomicReference<>();
        private final NumberResults numberResults;

        Execution(List<PlannedNumber> work) {
            this.work = List.copyOf(work);
            this.numberResults = new NumberResults(options, producers.getFirst().param(), ecmVersion, clock, autoB2,
                    work.size());
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
                        queue.put(new Stage1Handoff(number, number.reusedStage1(), null, number.reusedStage1().elapsed(), true,
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
                        NumberResults.checkResiduesSaved(number, result, options.stage2Enabled());
                        checkpoints.stage1Done(number, result);
                    }
                    if (result != null) {
                        listener.stage1Finished(engine.name(), number, result);
                    }
                    queue.put(new Stage1Handoff(number, result, error, took, false, engine.device())); // waits while stage 2 is behind
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


        private void endOfWork() {
            if (stopping.get()) {
                return; // the consumer is being stopped too; nobody waits for the marker
            }
            try {
                queue.put(new Stage1Handoff(null, null, null, Duration.ZERO, false, null));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopping.set(true);
            }
        }

        private void consume() {
            try {
                while (true) {
                    Stage1Handoff h = queue.take();
                    if (h.number() == null) {
                        return;
                    }
                    long t0 = System.nanoTime();
                    NumberResults.Finished finished = finish(h);
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

        private NumberResults.Finished finish(Stage1Handoff h) {
            NumberResults.Pending pending = numberResults.afterStage1(h, options.stage2Workers());
            if (pending.finished != null) {
                return pending.finished;
            }
            PlannedNumber number = h.number();
            listener.stage2Started(number, pending.stage2.residues().size());
            Stage2Result s2 = executor.run(pending.stage2, listener.stage2Listener(number));
            listener.stage2Finished(number, s2);
            return pending.afterStage2(s2);
        }

        private void removeResidues(Stage1Handoff h) {
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
