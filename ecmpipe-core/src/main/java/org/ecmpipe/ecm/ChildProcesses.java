package org.ecmpipe.ecm;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@code ecm} child of one run. Whoever starts a process does it here, so that on shutdown, error or
 * factor-found each one can be ended and reaped: a run never leaves orphan ecm processes behind while the JVM
 * lives. (Surviving a kill -9 of the JVM is the journal's job.)
 */
public final class ChildProcesses implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChildProcesses.class);
    /** How long a child gets to exit after SIGTERM before SIGKILL. */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(2);

    private final Set<Process> live = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private volatile Listener listener = Listener.NONE;

    /** Hears every start and exit (e.g. the journal, so a later run can end children a crash left behind). */
    public interface Listener {
        Listener NONE = new Listener() { };

        default void started(Process process, List<String> command) {
        }

        default void exited(Process process) {
        }
    }

    public void listen(Listener listener) {
        this.listener = listener;
    }

    /**
     * Starts and tracks a process.
     *
     * @throws IOException when it cannot be started
     * @throws IllegalStateException after {@link #close()}: no new work once shutdown began
     */
    public Process start(ProcessBuilder builder) throws IOException {
        if (closed) {
            throw new IllegalStateException("shutting down: not starting " + builder.command().getFirst());
        }
        Process process = builder.start();
        live.add(process);
        Listener hears = listener;
        hears.started(process, builder.command());
        process.onExit().thenRun(() -> {
            live.remove(process);
            hears.exited(process);
        });
        if (closed) { // close() ran while we were starting it
            end(process, Duration.ZERO);
            throw new IllegalStateException("shutting down: ended " + builder.command().getFirst() + " at once");
        }
        return process;
    }

    /** Processes started here that have not exited yet. */
    public List<ProcessHandle> alive() {
        return live.stream().filter(Process::isAlive).map(Process::toHandle).toList();
    }

    /**
     * Kills a process and its descendants (SIGKILL) without closing this JVM's pipes to it, and does not wait:
     * {@link Process#destroyForcibly()} also closes them, which throws away whatever the process wrote that was not
     * read yet. Once it has exited, its output can still be read to the end (the JDK keeps what is left in the pipe).
     */
    public static void kill(Process process) {
        if (!process.isAlive()) {
            return; // its pid may belong to another process by now
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.toHandle().destroyForcibly();
    }

    /**
     * Ends a process: SIGTERM, up to {@code grace} to exit, then SIGKILL, and waits until it is reaped. Its pipes
     * are closed: what it wrote and was not read is lost (see {@link #kill} to keep it).
     */
    public static void end(Process process, Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        // a wrapper's own children first (ecm itself has none; stand-ins and scripts may)
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        try {
            if (!grace.isZero()) {
                process.destroy();
                if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
            process.destroyForcibly();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                log.warn("ecm process {} did not exit 10 s after SIGKILL", process.pid());
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Ends and reaps every live child; new starts keep working (see {@link #close()} to refuse them). */
    public void endAll(Duration grace) {
        List<Process> snapshot = List.copyOf(live);
        if (!snapshot.isEmpty()) {
            log.debug("ending {} ecm process(es)", snapshot.size());
        }
        snapshot.forEach(p -> {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            if (grace.isZero()) {
                p.destroyForcibly();
            } else {
                p.destroy();
            }
        });
        snapshot.forEach(p -> end(p, grace));
    }

    /** Refuses new processes and ends every live one (SIGKILL at once: they hold no state worth saving). */
    @Override
    public void close() {
        closed = true;
        endAll(Duration.ZERO);
    }

    /**
     * Registers a JVM shutdown hook that closes this registry, so Ctrl-C or SIGTERM of ecmpipe ends its
     * children too.
     */
    public Thread closeOnShutdown() {
        Thread hook = new Thread(this::close, "ecm-child-reaper");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }
}
