package org.ecmpipe.ledger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the ecm processes a crashed run (kill -9, power loss of the parent only, ...) left behind: the journal
 * lists every child with its pid, start time and command line, and a process is ended only if all three still
 * match, so a pid reused by an unrelated process is never touched.
 */
final class OrphanReaper {
    private static final Logger log = LoggerFactory.getLogger(OrphanReaper.class);
    /** Start times read back from the OS may be rounded (Linux: clock ticks). */
    private static final Duration START_TOLERANCE = Duration.ofMillis(50);

    private OrphanReaper() {
    }

    /**
     * @return the processes that were ended
     */
    static List<JournalEvent.ProcessStarted> reap(Journal journal, java.time.Clock clock) throws java.io.IOException {
        List<JournalEvent.ProcessStarted> ended = new ArrayList<>();
        ProcessStart processStart = ProcessStart.reading(java.nio.file.Path.of("/proc"));
        for (JournalEvent.ProcessStarted p : journal.state().possiblyLiveProcesses()) {
            Optional<ProcessHandle> handle = ProcessHandle.of(p.pid());
            if (handle.isPresent() && handle.get().isAlive() && sameProcess(handle.get(), p, processStart)) {
                log.warn("Ending ecm process {} left running by an earlier run: {}", p.pid(), p.command());
                end(handle.get());
                ended.add(p);
            }
            journal.append(new JournalEvent.ProcessEnded(clock.instant(), p.pid()));
        }
        return ended;
    }

    static boolean sameProcess(ProcessHandle handle, JournalEvent.ProcessStarted recorded, ProcessStart processStart) {
        ProcessHandle.Info info = handle.info();
        Optional<Instant> start = processStart.of(handle); // as the start was recorded (WorkDir.processLog)
        if (start.isEmpty() || recorded.processStart() == null
                || Duration.between(start.get(), recorded.processStart()).abs().compareTo(START_TOLERANCE) > 0) {
            return false;
        }
        // the running executable is one word of the recorded command line (stdbuf execs ecm under the same pid)
        List<String> words = List.of(recorded.command().split(" "));
        return info.command().map(c -> words.contains(c) || words.stream().anyMatch(w -> fileName(w).equals(fileName(c))))
                .orElse(false);
    }

    private static String fileName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static void end(ProcessHandle handle) {
        handle.descendants().forEach(ProcessHandle::destroyForcibly);
        handle.destroyForcibly();
        CompletableFuture<ProcessHandle> exit = handle.onExit();
        try {
            exit.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("process {} did not end within 10 s of SIGKILL", handle.pid());
        }
    }
}
