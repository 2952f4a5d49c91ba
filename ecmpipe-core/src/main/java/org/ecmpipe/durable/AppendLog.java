package org.ecmpipe.durable;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A text file that lines are appended to, each forced to disk before {@link #append} returns. Plain stream I/O,
 * not an NIO channel: an interrupt of the writing thread (a run being stopped) must not close the file under the
 * results that are still to be written.
 */
public final class AppendLog implements AutoCloseable {
    private final Path path;
    private final FileOutputStream out;

    public AppendLog(Path path) throws IOException {
        this.path = path;
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        this.out = new FileOutputStream(path.toFile(), true);
    }

    public Path path() {
        return path;
    }

    /**
     * Appends {@code line} and a newline, and syncs the file. A write that fails (a full disk) is cut off again, so it
     * leaves no partial line that a later append, once space is freed, would bury in the middle of the file.
     */
    public synchronized void append(String line) throws IOException {
        long before = Files.size(path);
        try {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            out.getFD().sync();
        } catch (IOException e) {
            try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
                if (file.length() > before) {
                    file.setLength(before);
                }
            } catch (IOException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }

    /**
     * Cuts off a last line that a crash left without its newline, so appending goes on from a whole line.
     *
     * @return true when something was cut
     */
    public static boolean dropTornTail(Path path) throws IOException {
        if (!Files.exists(path) || Files.size(path) == 0) {
            return false;
        }
        byte[] bytes = Files.readAllBytes(path);
        if (bytes[bytes.length - 1] == '\n') {
            return false;
        }
        int end = bytes.length - 1;
        while (end >= 0 && bytes[end] != '\n') {
            end--;
        }
        try (FileOutputStream out = new FileOutputStream(path.toFile(), true)) {
            out.getChannel().truncate(end + 1);
            out.getFD().sync();
        }
        return true;
    }
}
