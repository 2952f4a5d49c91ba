package org.ecmpipe.batch;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;
import org.ecmpipe.ecm.ChildProcesses;
import org.ecmpipe.ledger.WorkDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ecm children of one engine run: tracked, journaled in the work dir, ended on JVM shutdown and when the run
 * ends. A journal entry about a child that cannot be written stops the run (the thread running it is interrupted)
 * and is thrown by {@link #throwIfJournalFailed}.
 */
final class ChildScope implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ChildScope.class);

    private final ChildProcesses children = new ChildProcesses();
    private final AtomicReference<IOException> journalFailure = new AtomicReference<>();
    private Thread hook;
    private volatile boolean closed;

    ChildProcesses children() {
        return children;
    }

    /** Journals every child in the work dir from now on; a failed entry interrupts {@code runner}. */
    void journalIn(WorkDir workDir, Thread runner) {
        if (hook == null) {
            hook = children.closeOnShutdown();
        }
        children.listen(workDir.processLog(e -> {
            if (!closed && journalFailure.compareAndSet(null, e)) {
                log.error("{}; stopping", e.getMessage());
                runner.interrupt();
            }
        }));
    }

    void throwIfJournalFailed() throws IOException {
        IOException e = journalFailure.get();
        if (e != null) {
            throw e;
        }
    }

    /** Ends every child at once (the hard stop). */
    void endNow() {
        children.alive().forEach(ProcessHandle::destroyForcibly);
    }

    @Override
    public void close() {
        children.close();
        closed = true; // exits reported after this may find the journal closed: the run is over
        if (journalFailure.get() != null) {
            Thread.interrupted(); // the interrupt was ours, to stop the run: the caller gets the failure instead
        }
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs anyway
            }
        }
    }
}
