package org.ecmpipe.batch;

import java.io.IOException;
import java.time.Duration;
import org.ecmpipe.ledger.ResultLedger;
import org.ecmpipe.ledger.WorkDir;
import org.ecmpipe.result.CompositeResult;
import org.ecmpipe.submit.SubmissionClient;
import org.ecmpipe.submit.Submitter;

/** Submitting results from a work dir's outbox: opening the sender, adapting it to the ledger, waiting at the end. */
final class Submissions {
    /** How long the end of a run waits for submissions still being sent. */
    static final Duration DRAIN = Duration.ofSeconds(60);
    static final int TRIES = 3;
    static final Duration BACKOFF = Duration.ofSeconds(1);
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Submissions() {
    }

    /** The sender for the work dir's outbox, or null when not submitting. */
    static Submitter open(WorkDir workDir, RunSettings.Submission s) {
        if (s == null) {
            return null;
        }
        return new Submitter(workDir.outbox(), new SubmissionClient(s.target().endpoint(), TRIES, BACKOFF, TIMEOUT),
                s.project(), s.target().clientId());
    }

    /** The sender as the ledger sees it, or null. */
    static ResultLedger.Submissions forLedger(Submitter submitter) {
        if (submitter == null) {
            return null;
        }
        return new ResultLedger.Submissions() {
            @Override
            public boolean wants(CompositeResult result) {
                return submitter.wants(result);
            }

            @Override
            public String enqueue(CompositeResult result) throws IOException {
                return submitter.accept(result);
            }
        };
    }

    /** Waits for what is being sent; null when not submitting or interrupted. */
    static Submitter.Stats drain(Submitter submitter) throws IOException {
        return drain(submitter, DRAIN);
    }

    static Submitter.Stats drain(Submitter submitter, Duration max) throws IOException {
        if (submitter == null) {
            return null;
        }
        try {
            return submitter.drain(max);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
