package org.ecmpipe.stage2;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.ecmpipe.ecm.BurstInput;
import org.ecmpipe.ecm.ChildProcesses;
import org.ecmpipe.ecm.EcmLine;
import org.ecmpipe.ecm.EcmOutputParser;
import org.ecmpipe.ecm.FoundFactor;
import org.ecmpipe.ecm.Sigma;
import org.ecmpipe.residue.Residue;

/**
 * One {@code ecm -resume -} process fed residue lines from a {@link Curves} source. After each line it writes a
 * sentinel line with an unknown tag ({@code DONE000000042=1;}); ecm echoes {@code Save file line has unknown tag:
 * ...} when it is done with the line, whether it ran it, skipped it or rejected it. This needs ecm's stdout
 * line-buffered ({@code stdbuf -oL}).
 *
 * <p>The worker keeps one line or more queued behind the running one (in the pipe to ecm), so ecm starts the next
 * curve as soon as it ends one, with no round trip through this process; with short curves, enough of them to sleep
 * through several (see {@link #curvesPauseMillis}). ecm handles its input strictly one line after
 * the other, so whatever it prints between the echo of one sentinel and the next belongs to the second line. A
 * queued line counts for nothing until its own {@code Step 2 took} is read: if the process dies or is ended, the
 * running curve fails (or is stopped) and the queued ones are sent again to the next process. When stopping, what
 * ecm printed before it was killed is read on: queued lines it finished count as completed, the rest as not run.
 *
 * <p>Without stdbuf each curve gets its own process, whose end of output is the sentinel; nothing is queued.
 */
final class ResumeWorker implements AutoCloseable {

    private static final int STDERR_LINES_KEPT = 20;
    /** How long a read waits for the rest of a burst of ecm's output (see {@link #pace}). */
    static final long BURST_PAUSE_MILLIS = 2;
    /**
     * The longest sleep through ecm's stage-2 computing (see {@link #curvesPauseMillis}): a factor is read at most this
     * much after ecm prints it. A process ended meanwhile (a factor elsewhere, the watchdog) ends the sleep at once.
     */
    static final long CURVES_PAUSE_CAP_MILLIS = 100;
    /** The most lines a worker keeps in ecm, the running one included. */
    static final int MAX_LINES_IN_ECM = 10;
    /**
     * The most bytes of lines and of their output a worker lets be in flight (a quarter of a Linux pipe each way), so
     * that with very large numbers ecm never blocks on a full stdout pipe while this worker sleeps, nor this worker
     * on a full stdin pipe while ecm waits for its output to be read.
     */
    static final long MAX_BYTES_IN_ECM = 16 * 1024;

    private final int id;
    private final long burstPauseMillis;
    private final long curvesPauseCapMillis;
    /**
     * The longest sleep in this run: {@link #curvesPauseCapMillis}, and at most half the curve timeout (the runs'
     * timeouts are 1 s or more, so this bites only in tests; see {@link #curvesPauseMillis} for the deadline itself).
     */
    private long pauseCapMillis;
    private final List<String> command;
    private final boolean streaming;
    private final ChildProcesses children;
    private final ScheduledExecutorService timer;
    private final OutputSink sink;
    private final EcmOutputParser parser = new EcmOutputParser();
    private final Deque<String> stderrTail = new ArrayDeque<>();

    private Process process;
    private BurstInput stdoutPipe;
    private long readsOfEarlierPipes;
    private BufferedReader stdout;
    private Writer stdin;
    private Thread stderrReader;
    /** The current process was ended by a curve's watchdog. */
    private volatile boolean timedOut;
    /** The running curve's process, watched until its deadline ({@link System#nanoTime}); null between curves. */
    private Process watched;
    private long deadline;
    /** The watchdog's one scheduled check, or null: moved on (not re-made) as curves come and go. */
    private ScheduledFuture<?> alarm;
    private final Object watchdogLock = new Object();
    /** ecm's stage-2 time of this worker's last curve (at least 1), 0 before the first one. */
    private long lastStage2Millis;
    /** Lines queued in ecm behind the running curve. */
    private int linesQueued;

    /** Where ecm's lines go (verbose logs). */
    interface OutputSink {
        void line(int worker, String line);
    }

    /** One residue line to run, with its place in the request (which names its sentinel). */
    record Curve(int index, Residue residue) {
    }

    /** Where a worker takes its curves from and reports what became of them. Called from the worker's thread. */
    interface Curves {
        /**
         * The next curve to run, or null if none is left.
         *
         * @param inEcm lines the worker has in ecm already (0: it is idle and would run this one now; more: it would
         *              queue this one behind them, and the source may refuse, so that near the end of the work an idle
         *              worker takes it instead)
         */
        Curve next(int inEcm);

        /** What became of a curve that was started (or that ecm could not run). */
        void finished(Curve curve, CurveOutcome outcome);

        /** The run is stopping: queue nothing more, and an ended process is no failure. */
        boolean stopping();

        /** Each new ecm process, so that the run can end it when stopping. */
        void started(Process process);
    }

    ResumeWorker(int id, List<String> command, boolean streaming, ChildProcesses children, ScheduledExecutorService timer,
                 OutputSink sink) {
        this(id, command, streaming, children, timer, sink, BURST_PAUSE_MILLIS, CURVES_PAUSE_CAP_MILLIS);
    }

    /**
     * @param burstPauseMillis how long a read waits for the rest of a burst (tests: a longer one, to count reads)
     * @param curvesPauseCapMillis the longest sleep through short curves (tests: a longer one, to stop a run
     *                             while its worker surely sleeps)
     */
    ResumeWorker(int id, List<String> command, boolean streaming, ChildProcesses children, ScheduledExecutorService timer,
                 OutputSink sink, long burstPauseMillis, long curvesPauseCapMillis) {
        this.burstPauseMillis = burstPauseMillis;
        this.curvesPauseCapMillis = curvesPauseCapMillis;
        this.pauseCapMillis = curvesPauseCapMillis;
        this.id = id;
        this.command = List.copyOf(command);
        this.streaming = streaming;
        this.children = children;
        this.timer = timer;
        this.sink = sink;
    }

    /**
     * Runs curves from the source until it has none left or is stopping, then ends its ecm process.
     *
     * @throws CannotStart when ecm cannot be started (naming the curve it was started for, which did not run)
     */
    void runAll(Curves curves, Duration timeout) throws CannotStart {
        pauseCapMillis = Math.min(curvesPauseCapMillis, timeout.toMillis() / 2);
        // curves sent (or to be sent) to the current process, the running one first
        List<Curve> queue = new ArrayList<>(2);
        int written = 0;
        boolean betweenCurves = false; // the loop ended after a curve was read to its end, not by an exception
        try {
            while (!curves.stopping()) {
                if (queue.isEmpty()) {
                    Curve next = curves.next(0);
                    if (next == null) {
                        break;
                    }
                    queue.add(next);
                }
                if (process == null) {
                    try {
                        start();
                    } catch (IOException | IllegalStateException e) {
                        throw new CannotStart(queue.getFirst(), e);
                    }
                    curves.started(process);
                    written = 0;
                }
                try {
                    while (written < queue.size()) {
                        send(queue.get(written++));
                    }
                    while (streaming && queue.size() < linesInEcm(queue.getFirst())) {
                        Curve behind = curves.next(queue.size());
                        if (behind == null) {
                            break;
                        }
                        queue.add(behind);
                        send(behind);
                        written++;
                    }
                    if (streaming) {
                        stdin.flush();
                    }
                } catch (IOException e) {
                    // ecm is gone already: reading its output below finds out how
                }
                Curve running = queue.removeFirst();
                written--;
                linesQueued = written;
                CurveOutcome outcome = runHead(running, timeout, curves::stopping);
                if (process == null) {
                    written = 0; // a new process gets every queued line again
                }
                curves.finished(running, outcome);
            }
            betweenCurves = true;
        } finally {
            if (curves.stopping()) {
                try {
                    if (betweenCurves) {
                        readWhatRanBeforeTheStop(queue.subList(0, Math.min(written, queue.size())), curves);
                    }
                } finally {
                    closeQuietly();
                }
            } else {
                close();
            }
        }
    }

    /**
     * On a stop, the lines queued in ecm behind the curve just read may have run while this worker slept through them
     * (or read the running curve's end): ecm is ended (if the stop has not done so yet) and what it printed before it
     * died is read, so each curve it completed is reported, with any factor it found, instead of counting as not run
     * (and running again on a restart). Only what the pipe already holds is read: ecm is gone. Stops at the first
     * line ecm did not finish; the rest, not reported, count as not run.
     */
    private void readWhatRanBeforeTheStop(List<Curve> sent, Curves curves) {
        if (!streaming || process == null || sent.isEmpty()) {
            return;
        }
        ChildProcesses.kill(process); // not end(): that closes the pipe, and with it what is left to read
        // a stop by Ctrl-C interrupts the workers (and closing their pool does again): that must not cost the curves
        // ecm finished, so the wait for its exit ignores interrupts, which are kept for the caller
        boolean interrupted = Thread.interrupted();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (true) {
                try {
                    if (process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                        break;
                    }
                    return; // not gone after SIGKILL: reading could block; the queued lines count as not run
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            stdoutPipe.childExited(); // no pause before a read: all there is to read is in the pipe already
            for (Curve curve : List.copyOf(sent)) {
                CurveOutcome outcome = read(curve, () -> true);
                CurveOutcome.Status status = outcome.status();
                if (status != CurveOutcome.Status.COMPLETED && status != CurveOutcome.Status.SKIPPED) {
                    return;
                }
                curves.finished(curve, outcome);
                if (process == null) {
                    return; // its output ended with this curve's
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** ecm could not be started for a curve. */
    static final class CannotStart extends Exception {
        private final transient Curve curve;

        CannotStart(Curve curve, Exception cause) {
            super(cause.getMessage(), cause);
            this.curve = curve;
        }

        Curve curve() {
            return curve;
        }
    }

    private void send(Curve curve) throws IOException {
        stdin.write(curve.residue().line());
        stdin.write('\n');
        if (streaming) {
            stdin.write(tag(curve.index()));
            stdin.write("=1;\n");
        } else {
            stdin.close();
        }
    }

    private static String tag(int index) {
        String digits = Integer.toString(index);
        return "DONE" + "0".repeat(Math.max(0, 9 - digits.length())) + digits;
    }

    /** Reads the output of the curve ecm is running now (the first one of the queue) under its watchdog. */
    private CurveOutcome runHead(Curve curve, Duration timeout, BooleanSupplier stopping) {
        watch(process, timeout);
        try {
            return read(curve, stopping);
        } finally {
            synchronized (watchdogLock) {
                watched = null;
            }
        }
    }

    /**
     * Ends {@code current} unless the curve it runs now ends within {@code timeout}. One check stays scheduled for
     * the earliest deadline it may have to enforce and moves itself on to the running curve's deadline when it finds
     * an earlier curve finished: curves far shorter than the timeout cost a field write each, not a task scheduled
     * and cancelled on the timer (with a wake-up of its thread) per curve.
     */
    private void watch(Process current, Duration timeout) {
        long nanos = timeout.toNanos();
        synchronized (watchdogLock) {
            watched = current;
            deadline = System.nanoTime() + nanos;
            if (alarm == null) {
                alarm = timer.schedule(this::checkDeadline, nanos, TimeUnit.NANOSECONDS);
            }
        }
    }

    private void checkDeadline() {
        Process hung;
        synchronized (watchdogLock) {
            alarm = null;
            if (watched == null) {
                return; // between curves: the next one schedules a check of its own
            }
            long left = deadline - System.nanoTime();
            if (left > 0) {
                alarm = timer.schedule(this::checkDeadline, left, TimeUnit.NANOSECONDS);
                return;
            }
            hung = watched;
            timedOut = true;
        }
        ChildProcesses.end(hung, Duration.ZERO); // outside the lock: the worker's read ends when ecm does
    }

    private CurveOutcome read(Curve curve, BooleanSupplier stopping) {
        String tag = tag(curve.index());
        Sigma sigma = curve.residue().curve();
        BigInteger b2 = null;
        boolean completed = false;
        List<FoundFactor> factors = new ArrayList<>();
        try {
            String text;
            while ((text = stdout.readLine()) != null) {
                sink.line(id, text);
                EcmLine line = parser.parse(text);
                pace(line);
                switch (line) {
                    case EcmLine.Using using -> {
                        b2 = using.b2();
                        if (using.sigma() != null) {
                            sigma = using.sigma();
                        }
                    }
                    case EcmLine.StepTook took when took.step() == 2 -> completed = true;
                    case EcmLine.FactorFound found -> factors.add(new FoundFactor(found.factor(), found.step(), sigma));
                    case EcmLine.UnknownTag unknown when unknown.tag().equals(tag) -> {
                        return finished(completed, sigma, b2, factors);
                    }
                    default -> { }
                }
            }
        } catch (IOException e) {
            // the process went away under us: told apart below by its state
        }
        if (completed) {
            // ecm ended (or was ended) after the curve's Step 2 took: the curve ran, only its sentinel was lost
            waitForExit();
            closeQuietly();
            return new CurveOutcome(CurveOutcome.Status.COMPLETED, sigma, b2, factors, "");
        }
        if (!streaming) {
            int code = waitForExit();
            if (code >= 0 && !timedOut && !stopping.getAsBoolean() && (code & 1) == 0) {
                return finished(completed, sigma, b2, factors);
            }
        }
        CurveOutcome.Status status = stopping.getAsBoolean() ? CurveOutcome.Status.STOPPED
                : timedOut ? CurveOutcome.Status.TIMED_OUT : CurveOutcome.Status.DIED;
        int code = waitForExit();
        awaitStderr();
        String detail = status == CurveOutcome.Status.TIMED_OUT ? "no result before the curve timeout; ecm was ended"
                : "ecm exited with code " + code + stderrSummary();
        closeQuietly();
        return new CurveOutcome(status, sigma, b2, factors, detail);
    }

    /**
     * ecm prints a curve's lines in two bursts of flushed fragments: the end of one curve (its {@code Step 2 took},
     * any factor, the sentinel's echo) runs straight into the start of the queued next one ({@code Resuming},
     * {@code Input number}, {@code Using ...}, {@code Step 1 took 0ms}), and only then does stage 2 compute. So after
     * any line but {@code Step 1 took} the next read of the pipe waits {@link #BURST_PAUSE_MILLIS} for the rest of the
     * burst to come in one piece, instead of waking up once per fragment. After {@code Step 1 took} the worker either
     * reads at once (the curve's end wakes it) or, with short curves, sleeps through several of them (see
     * {@link #curvesPauseMillis}). Nothing waits on it: ecm has the next lines already.
     */
    private void pace(EcmLine line) {
        if (line instanceof EcmLine.StepTook took && took.step() == 1) {
            long millis = curvesPauseMillis();
            if (millis > 0) {
                stdoutPipe.pauseBeforeNextRead(millis);
            } else {
                stdoutPipe.readAtOnce();
            }
            return;
        }
        if (line instanceof EcmLine.StepTook took && took.step() == 2) {
            lastStage2Millis = Math.max(1, took.millis());
        }
        stdoutPipe.pauseBeforeNextRead(burstPauseMillis);
    }

    /**
     * How long to sleep once a curve's stage 2 has begun (see {@link #sleepThroughCurves}), at most
     * {@link #pauseCapMillis} (100 ms, or half the curve timeout when that is shorter) and at most half the time left
     * before the watchdog's deadline for the running curve (set when the worker began reading it: a slow start of
     * ecm or of this thread has used some of it), so that a sleep does not outlast the deadline of a curve that has
     * ended. 0 (read at once) before the first curve, with fewer than 2 lines queued, with curves under 2 ms, and with
     * curves as long as the cap or longer (a sleep would wake up before the curve ends: a wake-up more rather than
     * fewer).
     */
    private long curvesPauseMillis() {
        if (!shortCurves() || linesQueued < 2) {
            return 0;
        }
        long leftMillis;
        synchronized (watchdogLock) {
            leftMillis = watched == null ? Long.MAX_VALUE : (deadline - System.nanoTime()) / 1_000_000;
        }
        return Math.max(0, Math.min(sleepThroughCurves(linesQueued, lastStage2Millis, pauseCapMillis), leftMillis / 2));
    }

    /**
     * The sleep through the curves queued behind one whose stage 2 has just begun, {@code linesQueued} of them: as long
     * as ecm takes for the running curve and all the queued ones but one, and a quarter of a curve more; at most four
     * fifths of what the queued lines take, and at most {@code capMillis}. A curve's length is taken from ecm's
     * {@code Step 2 took} for the last one: CPU time of stage 2 alone, cut to whole milliseconds, so no longer than the
     * wall time a curve takes on a single-threaded ecm.
     *
     * <ul>
     * <li>The quarter curve: the first curve slept through (the running one) has ended when the worker wakes, unless
     * it runs over a quarter longer than the last one did, so its read finds output waiting. A sleep of one curve's
     * length (less a millisecond, as until 2026-12-05) woke up before that curve's end about half the time: a read
     * that waited for the end, then one more for the rest of the burst, up to three wake-ups for that curve instead
     * of one (strace; BENCHMARKS.md).</li>
     * <li>The four fifths: when the worker reads the running curve's start, that curve has already run for up to a
     * curve's length, so ecm has at least {@code linesQueued} curve lengths of work left; sleeping no more than four
     * fifths of that, ecm runs out of lines before the worker wakes only if its curves run over a fifth faster than the
     * last one did.</li>
     * <li>The cap bounds how late a factor is read, and keeps a sleep within the curve timeout. Each wake-up of a
     * thread costs this kind of machine more CPU than the work done with the lines it reads (a timed one as much as
     * one by the pipe: measured both ways, BENCHMARKS.md), hence sleeping through several short curves at all.</li>
     * </ul>
     *
     * @param linesQueued      lines behind the running one, 2 or more
     * @param lastCurveMillis  the last curve's {@code Step 2 took}, 2 ms or more and under {@code capMillis}
     */
    static long sleepThroughCurves(int linesQueued, long lastCurveMillis, long capMillis) {
        long throughAllButOne = (linesQueued - 1) * lastCurveMillis + Math.max(1, lastCurveMillis / 4);
        long fourFifthsOfQueued = 4 * linesQueued * lastCurveMillis / 5;
        return Math.min(capMillis, Math.min(throughAllButOne, fourFifthsOfQueued));
    }

    /** The last curve was short enough to sleep through several (and long enough to measure: 2 ms or more). */
    private boolean shortCurves() {
        return lastStage2Millis >= 2 && lastStage2Millis < pauseCapMillis;
    }

    /**
     * Lines to keep in ecm, the running one included: one queued behind it at least, so ecm never waits for this
     * process between curves, and with short curves enough to outlast a whole {@link #curvesPauseMillis sleep} and
     * one more curve, within {@link #MAX_LINES_IN_ECM} and {@link #MAX_BYTES_IN_ECM}.
     */
    private int linesInEcm(Curve running) {
        if (!shortCurves()) {
            return 2;
        }
        // ecm prints fewer bytes for a curve than its line has (N once in decimal, where the line has N and X) plus a
        // few hundred: with both counted per line, neither pipe fills
        int byBytes = (int) (MAX_BYTES_IN_ECM / (2L * running.residue().line().length() + 512));
        return (int) Math.max(2, Math.min(Math.min(MAX_LINES_IN_ECM, byBytes),
                pauseCapMillis / (lastStage2Millis - 1) + 2));
    }

    private CurveOutcome finished(boolean completed, Sigma sigma, BigInteger b2, List<FoundFactor> factors) {
        if (!streaming) {
            closeQuietly();
        }
        return new CurveOutcome(completed ? CurveOutcome.Status.COMPLETED : CurveOutcome.Status.SKIPPED, sigma, b2,
                factors, completed ? "" : "ecm did not run the line" + stderrSummary());
    }

    /** Reads of ecm's output pipes that reached the pipe, over every process this worker ran (for tests). */
    long pipeReads() {
        return readsOfEarlierPipes + (stdoutPipe == null ? 0 : stdoutPipe.reads());
    }

    private void start() throws IOException {
        timedOut = false;
        if (stdoutPipe != null) {
            readsOfEarlierPipes += stdoutPipe.reads();
        }
        process = children.start(new ProcessBuilder(command));
        stdoutPipe = new BurstInput(process.getInputStream(), 0);
        if (streaming) {
            BurstInput pipe = stdoutPipe;
            process.onExit().thenRun(pipe::childExited); // a process ended mid-sleep is read at once
        }
        stdout = new BufferedReader(new InputStreamReader(stdoutPipe, StandardCharsets.UTF_8));
        stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII);
        Process p = process;
        // a platform thread: a blocking pipe read on a virtual thread costs a carrier hand-off per read
        stderrReader = Thread.ofPlatform().daemon().name("ecm-stderr-" + id).start(() -> drainStderr(p));
    }

    private void drainStderr(Process p) {
        try (BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = err.readLine()) != null) {
                sink.line(id, "stderr: " + line);
                synchronized (stderrTail) {
                    stderrTail.addLast(line);
                    if (stderrTail.size() > STDERR_LINES_KEPT) {
                        stderrTail.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            sink.line(id, "stderr unreadable: " + e.getMessage());
        }
    }

    /** After exit, lets the stderr reader reach the end, so the error message is complete. */
    private void awaitStderr() {
        try {
            stderrReader.join(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String stderrSummary() {
        synchronized (stderrTail) {
            if (stderrTail.isEmpty()) {
                return "";
            }
            String s = ": " + String.join(" | ", stderrTail);
            stderrTail.clear();
            return s;
        }
    }

    private int waitForExit() {
        try {
            if (process.waitFor(5, TimeUnit.SECONDS)) {
                return process.exitValue();
            }
            ChildProcesses.end(process, Duration.ZERO);
            return process.exitValue();
        } catch (InterruptedException e) {
            ChildProcesses.end(process, Duration.ZERO);
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private void closeQuietly() {
        if (process != null) {
            ChildProcesses.end(process, Duration.ZERO);
            process = null;
        }
    }

    /** Closes ecm's input so it exits on its own, then reaps it (ending it if it lingers). */
    @Override
    public void close() {
        if (process == null) {
            return;
        }
        try {
            stdin.close();
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                ChildProcesses.end(process, ChildProcesses.DEFAULT_GRACE);
            }
        } catch (InterruptedException e) {
            ChildProcesses.end(process, Duration.ZERO);
            Thread.currentThread().interrupt();
        }
        process = null;
    }
}
