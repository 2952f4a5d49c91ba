package org.ecmpipe.ledger;

import java.io.IOException;
import java.time.Clock;
import org.ecmpipe.composite.Composite;
import org.ecmpipe.pipeline.ResultSink;
import org.ecmpipe.result.CompositeResult;
import org.ecmpipe.result.ResultsFile;

/**
 * The one durable write path for a finished number, in this order: its line in the results file (forced to
 * disk), then the journal marks it written, then (when submitting) it goes into the outbox and the journal says
 * so. A crash or a failed write at any point leaves a state the next run understands: a result line without its
 * journal entry still counts as finished (the results file is the source of truth), and a result written but not
 * queued is queued by the next run ({@link WorkDir#writtenNotQueued}). A write that fails throws, naming the file;
 * the run must stop there.
 */
public final class ResultLedger implements ResultSink, AutoCloseable {

    /** Where results go to be submitted. */
    public interface Submissions {
        /** Whether this result is to be sent (e.g. only results with ECM work are). */
        boolean wants(CompositeResult result);

        /**
         * Puts the result in the outbox, durably, and queues it for sending.
         *
         * @return its submission id
         */
        String enqueue(CompositeResult result) throws IOException;
    }

    private final ResultsFile results;
    private final Journal journal;
    private final Submissions submissions;
    private final Clock clock;

    ResultLedger(ResultsFile results, Journal journal, Submissions submissions, Clock clock) {
        this.results = results;
        this.journal = journal;
        this.submissions = submissions;
        this.clock = clock;
    }

    public java.nio.file.Path resultsFile() {
        return results.path();
    }

    /**
     * Records a finished number.
     *
     * @throws IOException naming what could not be written; what was recorded before is intact
     */
    @Override
    public synchronized void accept(CompositeResult result) throws IOException {
        String number = result.composite().toString();
        boolean submit = submissions != null && submissions.wants(result);
        try {
            results.append(result);
        } catch (IOException e) {
            throw failure(result, "the results file " + results.path(), e);
        }
        journal.append(new JournalEvent.ResultWritten(clock.instant(), number, result.status().wire(), submit));
        if (submit) {
            queue(result);
        }
    }

    /** Queues a result recorded earlier whose submission never reached the outbox. */
    public synchronized void requeue(CompositeResult result) throws IOException {
        if (submissions != null && submissions.wants(result)) {
            queue(result);
        }
    }

    private void queue(CompositeResult result) throws IOException {
        String id;
        try {
            id = submissions.enqueue(result);
        } catch (IOException e) {
            throw failure(result, "the outbox", e);
        }
        journal.append(new JournalEvent.SubmissionQueued(clock.instant(), result.composite().toString(), id));
    }

    private static IOException failure(CompositeResult result, String where, IOException e) {
        return new IOException("cannot record the result of " + Composite.abbreviate(result.composite()) + " in " + where
                + ": " + e.getMessage(), e);
    }

    @Override
    public void close() throws IOException {
        results.close();
    }
}
