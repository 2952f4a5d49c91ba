package org.ecmpipe.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One run per work dir at a time: an OS file lock on {@code WORK_DIR/ecmpipe.lock}, released by the OS when the
 * process dies however it dies, so a crashed run never blocks the next one.
 */
final class WorkDirLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private WorkDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * @param file the work dir's lock file
     * @throws WorkDirException when another process holds the work dir, naming its pid
     */
    static WorkDirLock acquire(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            lock = null; // held by this same JVM
        }
        if (lock == null) {
            String holder = Files.readString(file).strip();
            channel.close();
            throw new WorkDirException("another ecmpipe (pid " + (holder.isEmpty() ? "?" : holder) + ") is using the work dir "
                    + file.getParent() + "; wait for it or use another --work-dir");
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII)), 0);
        channel.force(false);
        return new WorkDirLock(channel, lock);
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
