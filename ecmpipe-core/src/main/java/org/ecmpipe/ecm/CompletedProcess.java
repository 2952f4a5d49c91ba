package org.ecmpipe.ecm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A child process that ran to its end: its exit code and everything it printed. Runs an argument list, never
 * a shell.
 *
 * @param exitCode the exit code, or -1 when it was ended for running past its timeout
 */
public record CompletedProcess(List<String> command, int exitCode, List<String> stdout, List<String> stderr,
                         Duration elapsed, boolean timedOut) {

    public CompletedProcess {
        command = List.copyOf(command);
        stdout = List.copyOf(stdout);
        stderr = List.copyOf(stderr);
    }

    /**
     * Starts {@code command} through {@code children}, writes {@code stdin} and closes it, hands each stdout line
     * to {@code onLine} as it arrives, and waits for exit. Past {@code timeout} the process is ended.
     *
     * @throws EcmException when the process cannot be started or the wait is interrupted (the child is ended)
     */
    public static CompletedProcess run(ChildProcesses children, List<String> command, String stdin, Duration timeout,
                                 Consumer<String> onLine) {
        return run(children, command, stdin, timeout, Duration.ZERO, onLine);
    }

    /**
     * As {@link #run(ChildProcesses, List, String, Duration, Consumer)}, reading stdout in bursts: after each read
     * that returned data the next one waits up to {@code outputPause} (less when the child writes fast; see
     * {@link BurstInput}), so {@code onLine} hears lines up to that much later, and the process's exit ends the wait
     * at once. For a long run whose lines nobody needs at once (stage 1: verbose logs and the status line's curve
     * count), this saves the reading thread a wake-up for each of the fragments ecm flushes.
     */
    public static CompletedProcess run(ChildProcesses children, List<String> command, String stdin, Duration timeout,
                                 Duration outputPause, Consumer<String> onLine) {
        long start = System.nanoTime();
        Process process;
        try {
            process = children.start(new ProcessBuilder(command));
        } catch (IOException e) {
            throw new EcmException("cannot start " + command.getFirst() + ": " + e.getMessage(), e);
        }
        List<String> out = Collections.synchronizedList(new ArrayList<>());
        List<String> err = Collections.synchronizedList(new ArrayList<>());
        // platform threads: a blocking pipe read on a virtual thread costs a carrier hand-off per read (measured:
        // most of ecmpipe's own CPU while ecm runs); stdout is read on its own thread so that this one waits in
        // waitFor(), which an interrupt ends
        Thread errReader = Thread.ofPlatform().daemon().name("stderr-" + process.pid())
                .start(() -> drain(process.getErrorStream(), err, line -> { }));
        BurstInput stdout = new BurstInput(process.getInputStream(), outputPause.toMillis());
        Thread outReader = Thread.ofPlatform().daemon().name("stdout-" + process.pid())
                .start(() -> drain(stdout, out, onLine));
        AtomicBoolean timedOut = new AtomicBoolean();
        Thread watchdog = Thread.ofVirtual().name("timeout-" + process.pid()).start(() -> {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    timedOut.set(true);
                    ChildProcesses.end(process, ChildProcesses.DEFAULT_GRACE);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            try (OutputStream in = process.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                // the process exited before reading its input; its exit code and stderr tell why
            }
            int code = process.waitFor();
            stdout.childExited();
            outReader.join(Duration.ofSeconds(5));
            errReader.join(Duration.ofSeconds(5));
            watchdog.interrupt();
            return new CompletedProcess(command, timedOut.get() ? -1 : code, snapshot(out), snapshot(err), elapsedSince(start),
                    timedOut.get());
        } catch (InterruptedException e) {
            ChildProcesses.end(process, Duration.ZERO);
            watchdog.interrupt();
            Thread.currentThread().interrupt();
            throw new EcmException("interrupted while running " + command.getFirst(), e);
        } finally {
            if (process.isAlive()) {
                ChildProcesses.end(process, Duration.ZERO);
            }
            stdout.childExited(); // also when interrupted: the reader drains what is left now, not after a pause
        }
    }

    private static List<String> snapshot(List<String> lines) {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    private static void drain(java.io.InputStream stream, List<String> sink, Consumer<String> onLine) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                sink.add(line);
                onLine.accept(line);
            }
        } catch (IOException e) {
            // the stream closed because the process was ended: its exit code says so
        }
    }

    private static Duration elapsedSince(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** The last lines of stderr, for error messages. */
    public String stderrTail() {
        int from = Math.max(0, stderr.size() - 5);
        return String.join(" | ", stderr.subList(from, stderr.size()));
    }
}
