package org.ecmpipe.batch;

/**
 * A batch that cannot start, found before any work: ecm missing or not a GPU build, a work dir that cannot be used
 * or holds work these settings cannot continue. The message says what to do instead.
 */
public final class BatchSetupException extends RuntimeException {
    public BatchSetupException(String message) {
        super(message);
    }
}
