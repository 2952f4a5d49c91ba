package org.ecmpipe.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ProcessStart against the JDK's ProcessHandle.Info on real processes, and its way back to the JDK's. */
class ProcessStartTest {
    @TempDir
    Path dir;

    @Test
    void readsTheSameStartAsTheJdkEvenForACommandNameWithSpacesAndParentheses() throws Exception {
        // a copy of sleep under an awkward name: /proc/<pid>/stat shows it as "(sl (ee) p)", spaces included
        Path oddName = dir.resolve("sl (ee) p");
        Files.copy(Path.of("/bin/sleep"), oddName, StandardCopyOption.COPY_ATTRIBUTES);
        Files.setPosixFilePermissions(oddName, PosixFilePermissions.fromString("rwxr-xr-x"));
        Process plain = new ProcessBuilder("sleep", "30").start();
        Process odd = new ProcessBuilder(oddName.toString(), "30").start();
        try {
            ProcessStart start = ProcessStart.reading(Path.of("/proc"));
            for (Process p : new Process[] {plain, odd}) {
                assertThat(start.of(p.toHandle())).isPresent().isEqualTo(p.info().startInstant());
            }
            assertThat(Files.readString(Path.of("/proc/" + odd.pid() + "/stat"))).contains("(sl (ee) p)");
        } finally {
            plain.destroyForcibly();
            odd.destroyForcibly();
            plain.waitFor(5, TimeUnit.SECONDS);
            odd.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void withoutABootTimeOrAStatFileItAsksTheJdk() throws Exception {
        Path noBtime = Files.createDirectories(dir.resolve("proc1"));
        Files.writeString(noBtime.resolve("stat"), "cpu  1 2 3 4\nintr 5\n");
        Path noPid = Files.createDirectories(dir.resolve("proc2"));
        Files.writeString(noPid.resolve("stat"), "cpu  1 2 3 4\nbtime 1000\n");
        Path garbled = Files.createDirectories(dir.resolve("proc3"));
        Files.writeString(garbled.resolve("stat"), "btime 1000\n");
        Process p = new ProcessBuilder("sleep", "30").start();
        try {
            Files.createDirectories(garbled.resolve(Long.toString(p.pid())));
            Files.writeString(garbled.resolve(Long.toString(p.pid())).resolve("stat"), "12 (sleep) S 1 2\n");
            for (Path proc : new Path[] {noBtime, noPid, garbled, dir.resolve("missing")}) {
                assertThat(ProcessStart.reading(proc).of(p.toHandle())).as("%s", proc).isEqualTo(p.info().startInstant());
            }
        } finally {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
