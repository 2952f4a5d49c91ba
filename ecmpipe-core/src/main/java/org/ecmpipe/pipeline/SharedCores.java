package org.ecmpipe.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.ecmpipe.durable.AppendLog;
import org.ecmpipe.ecm.EcmException;
import org.ecmpipe.residue.ResidueFile;
import org.ecmpipe.result.CompositeResult;
import org.ecmpipe.stage1.Stage1Chunks;
import org.ecmpipe.stage1.Stage1Engine;
import org.ecmpipe.stage1.Stage1Request;
import org.ecmpipe.stage1.Stage1Result;
import org.ecmpipe.stage2.Stage2Executor;
import org.ecmpipe.stage2.Stage2Result;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work-conserving CPU mode: with stage 1 on the CPU, both stages share one budget of {@code slots} cores, each
 * slot running one ecm at a time. A slot that falls idle takes, in this order:
 * <ol>
 *   <li>one more {@code ecm -resume} worker place in the stage 2 of the oldest number that has lines left to take
 *   (older numbers finish first);</li>
 *   <li>the next chunk of stage-1 curves ({@code ecm -save CHUNK -c K B1 0}) of the oldest number whose stage 1 has
 *   chunks left;</li>
 *   <li>the stage 1 of the next number, when fewer than {@code queueDepth + 2} numbers are under way (the same bound
 *   on numbers between stage 1 and their result as the pipeline with a GPU: one in stage 1, {@code queueDepth}
 *   waiting, one in stage 2).</li>
 * </ol>
 * So whichever stage is short, no core waits while there is work: a batch whose stage 2 is short runs its stage 1
 * on every core, one whose stage 1 is short runs its stage 2 on every core.
 *
 * <p>A number's stage 1 is cut in up to {@code 2 x slots} chunks, each saved curve by curve to its own file; when
 * the last ends, the chunk files are appended in order to the number's residue file, which is checkpointed as one
 * stage 1 and handed to stage 2 as before. A chunk that settles the number (the cofactor is 1 or prime) ends the
 * number's other chunks at once. A stop journals the curves the chunks saved as a stage 1 cut short (the next run
 * adds only the rest) and the stage-2 lines completed, as the pipeline does; every result is built by
 * {@link NumberResults}, so curve counts and t-level work are the same as with stages on their own devices.
 */
final class SharedCores {
    private static final Logger log = LoggerFactory.getLogger(SharedCores.class);

    private final Stage1Engine engine;
    private final Stage2Executor executor;
    private final PipelineOptions options;
    private final Checkpoints checkpoints;
    private final ResultSink sink;
    private final ResidueFiles residueFiles;
    private final PipelineListener listener;
    private final Consumer<String> ecmOutput;
    private final NumberResults numberResults;
    private final int slots;
    private final List<PlannedNumber> work;

    private final List<Underway> open = new ArrayList<>();
    private final List<CompositeResult> results = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final Object sinkLock = new Object();
    private int next;
    private boolean stopping;
    private IOException writeFailure;
    /** A slot's unexpected failure, thrown by {@link #run} once every slot stopped. */
    private RuntimeException bug;
    private long stage1Nanos;
    private long stage2Nanos;

    /** @param engine a CPU engine running one process per request, saving curve by curve */
    SharedCores(Stage1Engine engine, Stage2Executor executor, PipelineOptions options, Checkpoints checkpoints,
                ResultSink sink, ResidueFiles residueFiles, PipelineListener listener, Consumer<String> ecmOutput,
                NumberResults numberResults, List<PlannedNumber> work) {
        if (!engine.savesCurveByCurve()) {
            throw new IllegalArgumentException("shared cores need a stage-1 engine that saves curve by curve");
        }
        this.engine = engine;
        this.executor = executor;
        this.options = options;
        this.checkpoints = checkpoints;
        this.sink = sink;
        this.residueFiles = residueFiles;
        this.listener = listener;
        this.ecmOutput = ecmOutput;
        this.numberResults = numberResults;
        this.slots = options.sharedCores();
        this.work = List.copyOf(work);
    }

    private enum State { STAGE1, JOINING, STAGE2, FINISHED }

    /** One number under way (between its stage 1 start and its result). Guarded by the {@link SharedCores} monitor. */
    private static final class Underway {
        final PlannedNumber number;
        /** The number's residue file: the chunks are appended to it (it may hold an interrupted run's curves). */
        Path into;
        int saved;
        int[] chunkCurves = new int[0];
        final Map<Integer, Path> chunkFiles = new HashMap<>();
        final Map<Integer, Stage1Result> chunkResults = new HashMap<>();
        final Map<Integer, String> chunkErrors = new HashMap<>();
        final Map<Integer, Thread> runners = new HashMap<>();
        int nextChunk;
        int running;
        /** No more chunks start: a chunk settled the number, or failed it. */
        boolean ending;
        boolean cancelledAny;
        long stage1Start;
        State state = State.STAGE1;
        Stage1Result joined;
        boolean stage1Recorded;
        NumberResults.Pending pending;
        Stage2Executor.Session session;

        Underway(PlannedNumber number) {
            this.number = number;
        }

        boolean chunksLeft() {
            return state == State.STAGE1 && !ending && nextChunk < chunkCurves.length;
        }
    }

    private enum Kind { CHUNK, STAGE2, REUSED, JOIN }

    private record Job(Kind kind, Underway number, int chunk) {
    }

    PipelineReport run() throws IOException {
        long start = System.nanoTime();
        for (int i = 1; i <= slots; i++) {
            String name = "CPU slot " + i;
            threads.add(Thread.ofPlatform().name(name).unstarted(() -> slot(name)));
        }
        threads.forEach(Thread::start);
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
        }
        boolean stopped;
        synchronized (this) {
            stopped = stopping;
        }
        if (stopped) {
            keepWhatWasDone();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (writeFailure != null) {
                throw writeFailure;
            }
            if (bug != null) {
                throw bug;
            }
            return new PipelineReport(results, Duration.ofNanos(System.nanoTime() - start), Duration.ofNanos(stage1Nanos),
                    Duration.ofNanos(stage2Nanos / slots), slots, interrupted || results.size() < work.size());
        }
    }

    private void slot(String name) {
        try {
            Job job;
            while ((job = take()) != null) {
                switch (job.kind()) {
                    case CHUNK -> runChunk(name, job.number(), job.chunk());
                    case STAGE2 -> joinStage2(name, job.number());
                    case JOIN -> joinStage1(job.number());
                    case REUSED -> {
                        PlannedNumber n = job.number().number;
                        listener.stage1Reused(engine.name(), n);
                        stage1Ended(job.number(), new Stage1Handoff(n, n.reusedStage1(), null,
                                n.reusedStage1().elapsed(), true, null));
                    }
                }
            }
        } catch (IOException e) {
            failed(e);
        } catch (InterruptedException e) {
            stopAll();
        } catch (RuntimeException e) {
            synchronized (this) {
                if (bug == null) {
                    bug = e;
                }
            }
            log.error("{} failed: {}", name, e.toString());
            stopAll();
        }
    }

    /** The next job for an idle slot, by the order in the class comment; null when there is none left, or stopping. */
    private synchronized Job take() throws IOException, InterruptedException {
        while (true) {
            Thread.interrupted(); // an interrupt that ended a cancelled chunk; a stop sets stopping first
            if (stopping) {
                return null;
            }
            for (Underway n : open) {
                if (n.state == State.STAGE2 && n.session.open()) {
                    return new Job(Kind.STAGE2, n, -1);
                }
            }
            for (Underway n : open) {
                if (n.chunksLeft()) {
                    int c = n.nextChunk++;
                    n.running++;
                    n.runners.put(c, Thread.currentThread());
                    return new Job(Kind.CHUNK, n, c);
                }
            }
            if (next < work.size() && open.size() < options.queueDepth() + 2) {
                Underway n = admit(work.get(next++));
                if (n.state == State.JOINING) {
                    return new Job(n.number.reusedStage1() != null ? Kind.REUSED : Kind.JOIN, n, -1);
                }
                continue;
            }
            if (next >= work.size() && open.isEmpty()) {
                return null;
            }
            wait();
        }
    }

    /** Opens the number's stage 1: its residue file, its chunks, and the journal's "stage 1 started". */
    private Underway admit(PlannedNumber planned) throws IOException {
        Underway n = new Underway(planned);
        open.add(n);
        if (planned.reusedStage1() != null) {
            n.state = State.JOINING;
            return n;
        }
        PlannedNumber.PartialStage1 partial = planned.partialStage1();
        int curves = engine.curvesFor(options.stage1Curves());
        n.into = partial != null ? partial.residueFile() : residueFiles.next(planned);
        n.saved = partial != null ? Math.min(partial.curves(), curves) : 0;
        int rest = curves - n.saved;
        int chunks = Math.min(rest, 2 * slots);
        n.chunkCurves = new int[chunks];
        for (int i = 0; i < chunks; i++) {
            n.chunkCurves[i] = rest / chunks + (i < rest % chunks ? 1 : 0);
        }
        checkpoints.stage1Started(planned);
        listener.stage1Started(engine.name(), planned);
        n.stage1Start = System.nanoTime();
        if (chunks == 0) {
            n.state = State.JOINING; // an interrupted run saved every curve: nothing left but to record it
        }
        return n;
    }

    private void runChunk(String slot, Underway n, int chunk) throws IOException {
        PlannedNumber number = n.number;
        int curves = n.chunkCurves[chunk];
        listener.stage1ChunkStarted(slot, number, chunk + 1, curves);
        long t0 = System.nanoTime();
        Stage1Result result = null;
        String error = null;
        Path file = null;
        for (int attempt = 1; attempt <= Pipeline.STAGE1_TRIES; attempt++) {
            file = residueFiles.next(number);
            synchronized (this) {
                if (stopping || n.ending) {
                    break;
                }
                n.chunkFiles.put(chunk, file);
            }
            try {
                result = engine.run(new Stage1Request(number.ecmInput(), options.b1(), curves, file,
                        options.stage1Timeout()), ecmOutput);
                error = result.error();
            } catch (EcmException | IllegalStateException e) {
                result = null;
                error = e.getMessage();
            }
            boolean again;
            synchronized (this) {
                again = result != null && Pipeline.killedBySignal(result) && attempt < Pipeline.STAGE1_TRIES
                        && !stopping && !n.ending;
                if (again) {
                    n.chunkFiles.remove(chunk); // its curves are run again: the file is not joined
                }
            }
            if (!again) {
                break;
            }
            log.warn("[{}/{}] stage-1 ecm (chunk {}) was killed by signal {} (not by ecmpipe); trying again ({} of {})",
                    number.position(), work.size(), chunk + 1, result.exitCode() - 128, attempt + 1,
                    Pipeline.STAGE1_TRIES);
            Files.deleteIfExists(file);
        }
        long took = System.nanoTime() - t0;
        boolean last;
        int ran;
        synchronized (this) {
            n.runners.remove(chunk);
            Thread.interrupted(); // a cancel of this chunk; a stop sets stopping first
            stage1Nanos += took;
            boolean cancelled = n.ending && (result == null || result.failed());
            if (stopping) {
                n.chunkResults.put(chunk, result != null ? result : saved(number, file));
            } else if (cancelled) {
                n.cancelledAny = true;
                n.chunkResults.put(chunk, result != null ? Stage1Chunks.cancelled(result) : saved(number, file));
            } else {
                n.chunkResults.put(chunk, result);
                if (result == null || result.failed()) {
                    n.chunkErrors.put(chunk, error);
                    endChunks(n); // the number fails: its other chunks would be wasted
                } else if (result.settled()) {
                    endChunks(n); // nothing is left to find: the other chunks end now
                }
            }
            n.running--;
            last = !stopping && n.running == 0 && (n.ending || n.nextChunk == n.chunkCurves.length);
            if (last) {
                n.state = State.JOINING;
            }
            ran = n.chunkResults.get(chunk) == null ? 0 : n.chunkResults.get(chunk).curves();
            notifyAll();
        }
        listener.stage1ChunkFinished(slot, number, chunk + 1, ran);
        if (last) {
            joinStage1(n);
        }
    }

    /** No more chunks of the number start, and the running ones are ended now (their saved curves count). */
    private void endChunks(Underway n) {
        n.ending = true;
        n.runners.values().forEach(Thread::interrupt);
    }

    /** What a chunk ended before it finished left: the curves it saved (one whole line each). */
    private Stage1Result saved(PlannedNumber number, Path file) {
        int curves = 0;
        try {
            if (file != null && Files.exists(file)) {
                AppendLog.dropTornTail(file);
                curves = ResidueFile.read(file).residues().size();
            }
        } catch (IOException e) {
            log.warn("cannot read the curves a stage-1 chunk saved in {}: {}", file, e.getMessage());
        }
        return new Stage1Result(number.ecmInput(), options.b1(), curves, file == null ? Path.of("") : file, List.of(),
                Duration.ZERO, 0, null, null, null, curves, number.ecmInput(), false, false, List.of());
    }

    /** The last chunk ended: the chunk files joined into the number's residue file, checkpointed, on to stage 2. */
    private void joinStage1(Underway n) throws IOException {
        PlannedNumber number = n.number;
        Duration took = Duration.ofNanos(System.nanoTime() - n.stage1Start);
        Stage1Result result = join(n, took);
        if (result == null) {
            return;
        }
        result.warnings().forEach(w -> log.warn("[{}/{}] {}", number.position(), work.size(), w));
        if (!result.failed()) {
            NumberResults.checkResiduesSaved(number, result, options.stage2Enabled());
            checkpoints.stage1Done(number, result);
            synchronized (this) {
                n.stage1Recorded = true;
            }
        }
        listener.stage1Finished(engine.name(), number, result);
        stage1Ended(n, new Stage1Handoff(number, result, result.error(), took, false, engine.device()));
    }

    /** The number's chunks joined (once); null, and the run stopped, when the files cannot be joined. */
    private Stage1Result join(Underway n, Duration took) {
        List<Path> files = new ArrayList<>();
        List<Stage1Result> chunkResults = new ArrayList<>();
        synchronized (this) {
            if (n.joined != null) {
                return n.joined;
            }
            for (int c = 0; c < n.nextChunk; c++) {
                // a chunk that never got a file (a stop before its ecm started) has nothing to join
                Path file = n.chunkFiles.getOrDefault(c, n.into.resolveSibling(n.into.getFileName() + ".chunk-none"));
                Stage1Result r = n.chunkResults.get(c);
                String error = n.chunkErrors.get(c);
                files.add(file);
                chunkResults.add(r != null ? r : new Stage1Result(n.number.ecmInput(), options.b1(), 0, file, List.of(),
                        Duration.ZERO, 1, null, error != null ? error : "stage 1 did not run"));
            }
        }
        try {
            Stage1Result joined = Stage1Chunks.join(n.number.ecmInput(), options.b1(), n.into, n.saved, files,
                    chunkResults, took);
            synchronized (this) {
                n.joined = joined;
            }
            return joined;
        } catch (EcmException e) {
            failed(new IOException(e.getMessage(), e));
            return null;
        }
    }

    /** Stage 1 of the number ended (or was done by an earlier run): its result, or its stage 2 opened to the slots. */
    private void stage1Ended(Underway n, Stage1Handoff handoff) throws IOException {
        NumberResults.Pending pending = numberResults.afterStage1(handoff, slots);
        if (pending.finished != null) {
            finish(n, pending.finished);
            return;
        }
        listener.stage2Started(n.number, pending.stage2.residues().size());
        Stage2Executor.Session session = executor.open(pending.stage2, listener.stage2Listener(n.number));
        synchronized (this) {
            n.pending = pending;
            n.session = session;
            n.state = State.STAGE2;
            if (stopping) {
                session.stop();
                return;
            }
            notifyAll();
        }
        if (pending.stage2.residues().isEmpty()) {
            // no line to run (an earlier run completed them all): no worker will ever join to finish it
            endStage2(n);
        }
    }

    private void joinStage2(String slot, Underway n) throws IOException {
        listener.stage2WorkerJoined(slot, n.number);
        long t0 = System.nanoTime();
        boolean last = n.session.work();
        synchronized (this) {
            stage2Nanos += System.nanoTime() - t0;
        }
        listener.stage2WorkerLeft(slot, n.number);
        if (last) {
            endStage2(n);
        }
    }

    private void endStage2(Underway n) throws IOException {
        Stage2Result s2 = n.session.finish();
        synchronized (this) {
            if (stopping) {
                return; // kept as a stage 2 cut short, after every slot has stopped
            }
        }
        listener.stage2Finished(n.number, s2);
        finish(n, n.pending.afterStage2(s2));
    }

    /** The number's result, written before anyone hears of it; its residue file removed. */
    private void finish(Underway n, NumberResults.Finished finished) throws IOException {
        CompositeResult result = finished.result();
        synchronized (sinkLock) {
            synchronized (this) {
                if (stopping) {
                    return;
                }
            }
            sink.accept(result);
        }
        synchronized (this) {
            results.add(result);
            n.state = State.FINISHED;
            open.remove(n);
            notifyAll();
        }
        listener.numberFinished(n.number, result);
        Stage1Result s1 = n.joined != null ? n.joined : n.number.reusedStage1();
        if (!options.keepResidues() && s1 != null) {
            try {
                Files.deleteIfExists(s1.residueFile());
            } catch (IOException e) {
                log.warn("cannot remove {}: {}", s1.residueFile(), e.getMessage());
            }
        }
    }

    /**
     * After a stop, with every slot thread ended: each stage 1 under way is journaled with the curves its chunks
     * saved (or as done, when every chunk had finished), each stage 2 under way with the lines it completed.
     */
    private void keepWhatWasDone() {
        List<Underway> left;
        synchronized (this) {
            left = List.copyOf(open);
        }
        for (Underway n : left) {
            try {
                if (n.state == State.STAGE2) {
                    Stage2Result partial = n.session.finish();
                    checkpoints.stage2Cut(n.number, partial);
                    listener.stage2Interrupted(n.number, partial);
                } else if (n.number.reusedStage1() == null && !n.stage1Recorded && n.into != null) {
                    boolean complete;
                    synchronized (this) {
                        complete = n.nextChunk == n.chunkCurves.length && n.chunkErrors.isEmpty() && !n.cancelledAny;
                        for (int c = 0; complete && c < n.chunkCurves.length; c++) {
                            // every chunk ran all its curves (a chunk a stop ended has saved fewer)
                            Stage1Result r = n.chunkResults.get(c);
                            complete = r != null && !r.failed() && r.curves() == n.chunkCurves[c];
                        }
                    }
                    Stage1Result joined = join(n, Duration.ofNanos(System.nanoTime() - n.stage1Start));
                    if (joined != null && complete && !joined.failed()) {
                        checkpoints.stage1Done(n.number, joined);
                    } else if (joined != null) {
                        checkpoints.stage1Cut(n.number, n.into);
                    }
                }
            } catch (IOException e) {
                failed(e);
            }
        }
    }

    /** A checkpoint or result could not be written: nothing more may be done, so everything stops. */
    private void failed(IOException e) {
        synchronized (this) {
            if (writeFailure != null) {
                return;
            }
            writeFailure = e;
        }
        log.error("{}; stopping the run", e.getMessage());
        stopAll();
    }

    /** Stops every slot: chunks end (their saved curves are kept), stage-2 sessions end their workers. */
    private synchronized void stopAll() {
        if (stopping) {
            return;
        }
        stopping = true;
        for (Underway n : open) {
            if (n.session != null) {
                n.session.stop();
            }
            n.runners.values().forEach(Thread::interrupt);
        }
        notifyAll();
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
