package org.ecmpipe.ecm;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A child's output pipe read in bursts rather than write by write. GMP-ECM flushes stdout after every fragment it
 * prints ({@code "Using "}, {@code "B1=..., "}, {@code "B2=..."}, ... are separate writes: 7 to 11 per curve), so a
 * reader blocked on the pipe wakes up for each of them, and on this kind of machine each wake-up of a thread costs
 * more CPU than everything done with the line afterwards. Waiting a little before reading again, when more output
 * is known to follow at once, lets the fragments gather in the pipe and come in one read.
 *
 * <p>The wait is taken only right after a read that returned data, once (the read after it blocks as usual while
 * nothing comes: one timed wake-up a burst, no polling), and only before the next read from the pipe itself, not
 * while lines are still buffered above it. It delays what is read by at most the pause, and a pause after data
 * lasts no longer than the child takes to write an eighth of a pipe at the rate the last read found, so the pipe
 * (64 KiB on Linux) does not fill and hold the child up. When the child exits during a pause the JDK copies out
 * what is left in the pipe and closes it; output a surviving descendant (of a wrapper script) writes after that is
 * not read.
 */
public final class BurstInput extends FilterInputStream {

    /**
     * A pause after data lasts at most as long as the child takes to write this much at the rate of the last read
     * (an eighth of a Linux pipe), so a fast writer is never held up by a full pipe.
     */
    static final long PAUSE_BUDGET_BYTES = 8 * 1024;

    private final long pauseAfterData;
    /** When the last read returned ({@link System#nanoTime}): what the next read finds came in since. */
    private long lastReadEnd = System.nanoTime();
    /** Waited before the next read of the pipe, then cleared; 0 reads at once. */
    private volatile long pauseNanos;
    /** Set once the child has exited: what is left is read at once. */
    private volatile boolean ended;
    /** The reader while it pauses, to be woken by {@link #childExited}. */
    private volatile Thread pausing;
    /** Reads that reached the pipe (by the one reading thread). */
    private long reads;

    /**
     * @param pauseAfterDataMillis waited before each read that follows a read which returned data (0: only when
     *                             asked through {@link #pauseBeforeNextRead}), or less: no longer than the child
     *                             takes to write {@link #PAUSE_BUDGET_BYTES} at the rate the last read found
     */
    public BurstInput(InputStream in, long pauseAfterDataMillis) {
        super(in);
        this.pauseAfterData = TimeUnit.MILLISECONDS.toNanos(pauseAfterDataMillis);
    }

    /** The next read of the pipe (if one is needed) waits this long first: the caller expects more output at once. */
    public void pauseBeforeNextRead(long millis) {
        pauseNanos = TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /** The next read of the pipe does not wait: what comes next may be a long way off. */
    public void readAtOnce() {
        pauseNanos = 0;
    }

    /** The child has exited: a pause under way ends now and no other is taken (its last lines are read at once). */
    public void childExited() {
        ended = true;
        Thread t = pausing;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** How many reads reached the pipe so far; read it from the reading thread (or after it ended). */
    public long reads() {
        return reads;
    }

    /**
     * 0, without asking the pipe: callers ask only to decide whether to read on at once (an {@code InputStreamReader}
     * after each read, which then returns what it has), and the next read finds out anyway. It saves a system call
     * per read; {@link #pause} asks the pipe itself.
     */
    @Override
    public int available() {
        return 0;
    }

    @Override
    public int read() throws IOException {
        pause();
        int b = in.read();
        afterRead(b >= 0 ? 1 : -1);
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        pause();
        int n = in.read(b, off, len);
        afterRead(n);
        return n;
    }

    private void pause() throws IOException {
        long nanos = pauseNanos;
        if (nanos <= 0) {
            return;
        }
        pauseNanos = 0;
        if (ended || in.available() > 0) {
            return; // the rest is there already (a decoder reading on while bytes are ready)
        }
        long deadline = System.nanoTime() + nanos;
        pausing = Thread.currentThread();
        try {
            for (long left = nanos; left > 0 && !ended && !Thread.currentThread().isInterrupted();
                 left = deadline - System.nanoTime()) {
                LockSupport.parkNanos(this, left);
            }
        } finally {
            pausing = null;
        }
    }

    private void afterRead(int n) {
        reads++;
        long now = System.nanoTime();
        if (n > 0 && pauseAfterData > 0) {
            // n bytes came in since the last read returned: at that rate the budget lasts (now - last) * budget / n
            long window = Math.max(0, now - lastReadEnd);
            pauseNanos = window >= pauseAfterData / PAUSE_BUDGET_BYTES * n ? pauseAfterData
                    : Math.max(1, window / n * PAUSE_BUDGET_BYTES);
        }
        lastReadEnd = now;
    }
}
