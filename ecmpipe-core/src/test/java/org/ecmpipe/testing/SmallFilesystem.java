package org.ecmpipe.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real, small filesystem for failure tests: a tmpfs mounted on a directory, which a test can fill up (writes then
 * fail with "No space left on device") or remount read-only ("Read-only file system"). Needs root, as CI runs;
 * elsewhere the test is skipped with a message (the one exception to "never skip": an unprivileged developer cannot
 * mount anything).
 */
public final class SmallFilesystem implements AutoCloseable {
    private final Path mountPoint;

    private SmallFilesystem(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    public static SmallFilesystem mount(Path mountPoint, String size) throws IOException, InterruptedException {
        assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root (CI runs as root)");
        Files.createDirectories(mountPoint);
        run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", mountPoint.toString());
        return new SmallFilesystem(mountPoint);
    }

    public Path path() {
        return mountPoint;
    }

    /** Writes a filler file until the filesystem is full; returns it (delete it to make room again). */
    public Path fill() throws IOException {
        Path filler = mountPoint.resolve("filler");
        byte[] block = "x".repeat(4096).getBytes(StandardCharsets.US_ASCII);
        try (FileOutputStream out = new FileOutputStream(filler.toFile())) {
            while (true) {
                out.write(block);
            }
        } catch (IOException e) {
            assertThat(e.getMessage()).contains("No space left on device");
        }
        return filler;
    }

    public void readOnly() throws IOException, InterruptedException {
        run("mount", "-o", "remount,ro", mountPoint.toString());
    }

    public void writable() throws IOException, InterruptedException {
        run("mount", "-o", "remount,rw", mountPoint.toString());
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output.strip());
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run("umount", "-l", mountPoint.toString());
    }
}
