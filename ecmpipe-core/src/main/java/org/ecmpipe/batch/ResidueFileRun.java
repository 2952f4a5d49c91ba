package org.ecmpipe.batch;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.ecmpipe.ecm.ChildProcesses;
import org.ecmpipe.ecm.EcmBinary;
import org.ecmpipe.ecm.EcmException;
import org.ecmpipe.ecm.EcmLocator;
import org.ecmpipe.ledger.ResultLedger;
import org.ecmpipe.ledger.WorkDir;
import org.ecmpipe.ledger.WorkDirException;
import org.ecmpipe.residue.CompositeResidues;
import org.ecmpipe.result.CompositeResult;
import org.ecmpipe.stage2.Stage2Batch;
import org.ecmpipe.stage2.Stage2Executor;
import org.ecmpipe.stage2.Stage2Listener;
import org.ecmpipe.submit.Submitter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage 2 of a residue file ({@code ecmpipe stage2}): the file's numbers on the worker pool, a worker moving on to the
 * next number when its own has no line left ({@link Stage2Overlap}), every result recorded in file order through the
 * work dir's {@link ResultLedger} (results file, journal, outbox) as in a batch run.
 */
public final class ResidueFileRun {
    private static final Logger log = LoggerFactory.getLogger(ResidueFileRun.class);

    /** Hears each number's stage 2 (for progress lines). */
    public interface Listener {
        /** The listener for the stage 2 of the number at {@code position} (1-based) of {@code count}. */
        Stage2Listener starting(int position, int count, CompositeResidues number, EcmBinary ecm);

        /** The number's result, already recorded. */
        void finished(int position, int count, CompositeResult result);
    }

    /**
     * @param results every number's result, in file order
     * @param stopped the run was stopped before the last number
     */
    public record Outcome(List<CompositeResult> results, boolean stopped, Submitter.Stats submissions, Path resultsFile) {
        public Outcome {
            results = List.copyOf(results);
        }
    }

    private final Stage2Settings settings;
    private final Clock clock;
    private final ChildScope scope = new ChildScope();

    public ResidueFileRun(Stage2Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /** Ends every ecm child at once (the hard stop). */
    public void endChildrenNow() {
        scope.endNow();
    }

    /**
     * @throws BatchSetupException before any work (ecm missing, work dir unusable)
     * @throws IOException a result could not be recorded: the run stopped there
     */
    public Outcome run(List<CompositeResidues> numbers, Listener listener) throws IOException {
        ChildProcesses children = scope.children();
        WorkDir workDir;
        try {
            workDir = WorkDir.open(settings.workDir(), settings.resultsFile(), clock);
        } catch (WorkDirException e) {
            throw new BatchSetupException(e.getMessage());
        }
        try (workDir; scope) { // the children end before the journal closes
            workDir.reapOrphans();
            scope.journalIn(workDir, Thread.currentThread());
            EcmBinary ecm;
            try {
                ecm = EcmBinary.probe(EcmLocator.locate(settings.ecmPath(), null), children);
            } catch (EcmException e) {
                throw new BatchSetupException(e.getMessage());
            }
            Stage2Batch batch = new Stage2Batch(new Stage2Executor(ecm, children, settings.maxMemoryMb()), ecm.version(),
                    new Stage2Batch.Options(settings.b2(), settings.workers(), settings.continueAfterFactor(),
                            settings.progressInterval(), settings.curveTimeout(), settings.b2Min()), clock);
            Submitter submitter = Submissions.open(workDir, settings.submission());
            List<CompositeResult> results = new ArrayList<>();
            boolean stopped = false;
            try (Submitter closing = submitter; ResultLedger ledger = workDir.ledger(Submissions.forLedger(submitter))) {
                if (submitter != null) {
                    submitter.resendPending();
                }
                Stage2Overlap overlap = new Stage2Overlap(numbers, batch, listener, ecm, ledger, settings.workers());
                try {
                    stopped = overlap.run();
                } finally {
                    results.addAll(overlap.results());
                }
                if (Thread.interrupted()) {
                    stopped = true;
                }
                scope.throwIfJournalFailed();
                return new Outcome(results, stopped, Submissions.drain(submitter), workDir.resultsFile());
            }
        }
    }
}
