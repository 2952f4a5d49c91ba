package org.ecmpipe.ledger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * When a process started, as {@link ProcessHandle.Info#startInstant()} gives it, for the journal's record of each
 * ecm child. On Linux it is read from {@code /proc/<pid>/stat} with the JDK's own arithmetic (boot time from
 * {@code /proc/stat}'s {@code btime}, in whole seconds, plus the start in clock ticks of 1/100 s, the fixed
 * {@code USER_HZ} of /proc), so a recorded start compares equal with the JDK's: {@code ProcessHandle.info()}
 * also reads the command line, the executable's link and the owner's name, about 0.7 ms of CPU per ecm process
 * (async-profiler), where this reads one small file. Elsewhere, or if /proc does not read as expected, the JDK's.
 */
final class ProcessStart {
    /** {@code USER_HZ}: the unit of /proc's tick counts on every Linux architecture. */
    private static final long TICKS_PER_SECOND = 100;

    private final Path proc;
    private final long bootMillis;

    private ProcessStart(Path proc, long bootMillis) {
        this.proc = proc;
        this.bootMillis = bootMillis;
    }

    /** Reads the boot time once; {@code proc} is {@code /proc} (a test may pass another). */
    static ProcessStart reading(Path proc) {
        long boot = -1;
        try {
            for (String line : Files.readAllLines(proc.resolve("stat"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("btime ")) {
                    boot = Long.parseLong(line.substring(6).strip()) * 1000;
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            boot = -1; // no /proc (not Linux) or an unexpected format: the JDK's way
        }
        return new ProcessStart(proc, boot);
    }

    Optional<Instant> of(ProcessHandle process) {
        if (bootMillis >= 0) {
            try {
                String stat = Files.readString(proc.resolve(Long.toString(process.pid())).resolve("stat"),
                        StandardCharsets.US_ASCII);
                // pid (comm) state ppid ...: comm may hold spaces and parentheses, so count fields from the last ')'
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                long ticks = Long.parseLong(fields[19]); // field 22 of the whole line, starttime
                return Optional.of(Instant.ofEpochMilli(bootMillis + ticks * 1000 / TICKS_PER_SECOND));
            } catch (IOException | RuntimeException e) {
                // gone already, or not the format expected: ask the JDK, which knows either way
            }
        }
        return process.info().startInstant();
    }
}
