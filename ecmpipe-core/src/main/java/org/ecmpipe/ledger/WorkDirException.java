package org.ecmpipe.ledger;

/**
 * A work dir that cannot be used as asked, found before any work starts: held by another run, not a directory,
 * not writable, or holding unfinished work that this run's settings cannot continue. The message says what to do.
 */
public final class WorkDirException extends RuntimeException {
    public WorkDirException(String message) {
        super(message);
    }
}
