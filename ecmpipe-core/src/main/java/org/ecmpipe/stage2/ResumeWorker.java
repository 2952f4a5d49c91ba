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
import org.ecmpipe.ecm.ChildProcesses;
import org.ecmpipe.ecm.EcmLine;
import org.ecmpipe.ecm.EcmOutputParser;
import org.ecmpipe.ecm.FoundFactor;
import org.ecmpipe.ecm.Sigma;
import org.ecmpipe.residue.Residue;

/**
 * One {@code ecm -resume -} process fed one residue line at a time. After each line it writes a sentinel line
 * with an unknown tag ({@code DONE000000042=1;}); ecm echoes {@code Save file line has unknown tag: ...} when
 * it is done with the line, whether it ran it, skipped it or rejected it. This needs ecm's stdout
 * line-buffered ({@code stdbuf -oL}); without stdbuf each curve gets its own process and the end of its
 * output is the sentinel.
 */
final class ResumeWorker implements AutoCloseable {

    private static final int STDERR_LINES_KEPT = 20;

    private final int id;
    private final List<String> command;
    private final boolean streaming;
    private final ChildProcesses children;
    private final ScheduledExecutorService timer;
    private final OutputSink sink;
    private final EcmOutputParser parser = new EcmOutputParser();
    private final Deque<String> stderrTail = new ArrayDeque<>();

    private Process process;
    private BufferedReader stdout;
    private Writer stdin;
    private Thread stderrReader;
    private volatile boolean timedOut;

    /** Where ecm's lines go (verbose logs). */
    interface OutputSink {
        void line(int worker, String line);
    }

    ResumeWorker(int id, List<String> command, boolean streaming, ChildProcesses children, ScheduledExecutorService timer,
                 OutputSink sink) {
        this.id = id;
        this.command = List.copyOf(command);
        this.streaming = streaming;
        this.children = children;
        this.timer = timer;
        this.sink = sink;
    }

    Process process() {
        return process;
    }

    /**
     * Runs one residue line's stage 2 and reads its result.
     *
     * @param stopping tells whether the executor is stopping (then an ended process is not a failure)
     * @throws IOException when ecm cannot be started
     */
    CurveOutcome run(Residue residue, int index, Duration timeout, BooleanSupplier stopping, ProcessStarted onStart)
            throws IOException {
        if (process == null || !process.isAlive()) {
            start();
            onStart.started(process);
        }
        String tag = String.format("DONE%09d", index);
        timedOut = false;
        Process current = process;
        ScheduledFuture<?> watchdog = timer.schedule(() -> {
            timedOut = true;
            ChildProcesses.end(current, Duration.ZERO);
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            return exchange(residue, tag, stopping);
        } finally {
            watchdog.cancel(false);
        }
    }

    /** Called with each new ecm process, so the executor can end it when stopping. */
    interface ProcessStarted {
        void started(Process process);
    }

    private CurveOutcome exchange(Residue residue, String tag, BooleanSupplier stopping) {
        Sigma sigma = residue.curve();
        BigInteger b2 = null;
        boolean completed = false;
        List<FoundFactor> factors = new ArrayList<>();
        try {
            stdin.write(residue.line());
            stdin.write('\n');
            if (streaming) {
                stdin.write(tag + "=1;\n");
                stdin.flush();
            } else {
                stdin.close();
            }
            String text;
            while ((text = stdout.readLine()) != null) {
                sink.line(id, text);
                EcmLine line = parser.parse(text);
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

    private CurveOutcome finished(boolean completed, Sigma sigma, BigInteger b2, List<FoundFactor> factors) {
        if (!streaming) {
            closeQuietly();
        }
        return new CurveOutcome(completed ? CurveOutcome.Status.COMPLETED : CurveOutcome.Status.SKIPPED, sigma, b2,
                factors, completed ? "" : "ecm did not run the line" + stderrSummary());
    }

    private void start() throws IOException {
        process = children.start(new ProcessBuilder(command));
        stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII);
        Process p = process;
        stderrReader = Thread.ofVirtual().name("ecm-stderr-" + id).start(() -> drainStderr(p));
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
