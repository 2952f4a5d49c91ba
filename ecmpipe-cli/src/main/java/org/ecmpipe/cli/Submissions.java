package org.ecmpipe.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import org.ecmpipe.submit.Submitter;

/** The end-of-run report on submissions. */
final class Submissions {
    /** How long the end of a run waits for submissions still being sent. */
    static final Duration DRAIN = Duration.ofSeconds(60);

    private Submissions() {
    }

    static void report(Submitter submitter, PrintWriter out) throws IOException {
        if (submitter == null) {
            return;
        }
        try {
            Submitter.Stats s = submitter.drain(DRAIN);
            out.printf("submissions: %d sent, %d already on the server, %d refused, %d waiting in the outbox%s%n",
                    s.accepted(), s.duplicates(), s.rejected(), s.waiting(),
                    s.waiting() > 0 ? " (sent by the next run, or now with 'ecmpipe resend')" : "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
