package org.ecmpipe.durable;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A text file that lines are appended to, each forced to disk before {@link #append} returns (or, with
 * {@link #appendUnforced}, written to the OS only). Plain stream I/O, not an NIO channel: an interrupt of the writing
 * thread (a run being stopped) must not close the file under the results that are still to be written. The file is
 * this object's alone while it is open (the work dir's lock), so its length is kept here rather than asked of the
 * file system at every line.
 */
public final class AppendLog implements AutoCloseable {
    private final Path path;
    private final FileOutputStream out;
    /** The file's length after the last whole line: where a failed write is cut back to. */
    private long length;

    public AppendLog(Path path) throws IOException {
        this.path = path;
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        this.out = new FileOutputStream(path.toFile(), true);
        this.length = Files.size(path);
    }

    public Path path() {
        return path;
    }

    /**
     * Appends {@code line} and a newline, and syncs the file. A write that fails (a full disk) is cut off again, so it
     * leaves no partial line that a later append, once space is freed, would bury in the middle of the file.
     */
    public synchronized void append(String line) throws IOException {
        write(line, true);
    }

    /**
     * Appends {@code line} and a newline to the OS's cache of the file, not forced to disk: it survives this process
     * being killed, not the machine losing power (the next {@link #append} forces it too). For lines whose loss in a
     * power cut does not matter, at a fraction of the cost.
     */
    public synchronized void appendUnforced(String line) throws IOException {
        write(line, false);
    }

    private void write(String line, boolean force) throws IOException {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            out.write(bytes);
            if (force) {
                out.getFD().sync();
            }
            length += bytes.length;
        } catch (IOException e) {
            try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
                if (file.length() > length) {
                    file.setLength(length);
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
