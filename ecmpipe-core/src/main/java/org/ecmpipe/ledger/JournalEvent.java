package org.ecmpipe.ledger;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;
import java.util.List;

/**
 * One line of the work dir's journal ({@code WORK_DIR/journal.jsonl}). Numbers are decimal strings. Replaying the
 * lines in order gives every number's state ({@link JournalState}).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "event")
@JsonSubTypes({
        @JsonSubTypes.Type(value = JournalEvent.RunStarted.class, name = "run_started"),
        @JsonSubTypes.Type(value = JournalEvent.Stage1Started.class, name = "stage1_started"),
        @JsonSubTypes.Type(value = JournalEvent.Stage1Done.class, name = "stage1_done"),
        @JsonSubTypes.Type(value = JournalEvent.Stage1Partial.class, name = "stage1_partial"),
        @JsonSubTypes.Type(value = JournalEvent.Stage2Partial.class, name = "stage2_partial"),
        @JsonSubTypes.Type(value = JournalEvent.ResultWritten.class, name = "result_written"),
        @JsonSubTypes.Type(value = JournalEvent.SubmissionQueued.class, name = "submission_queued"),
        @JsonSubTypes.Type(value = JournalEvent.ProcessStarted.class, name = "process_started"),
        @JsonSubTypes.Type(value = JournalEvent.ProcessEnded.class, name = "process_ended")})
sealed interface JournalEvent {

    /** A run began with these settings: residues from another B1 or parametrization cannot be reused. */
    record RunStarted(Instant at, long b1, int param, int curves, String numbersFile, long pid) implements JournalEvent {
    }

    /** Stage 1 of a number began (a crash from here on means stage 1 is redone). */
    record Stage1Started(Instant at, String number) implements JournalEvent {
    }

    /**
     * Stage 1 of a number was cut short by a stop after saving {@code curves} curves in {@code residueFile} (SHA-256
     * {@code sha256}): a later run at the same B1 appends only the rest.
     */
    record Stage1Partial(Instant at, String number, String residueFile, String sha256, int curves, long b1)
            implements JournalEvent {
    }

    /** A factor as an engine reported it. */
    record FoundFactorEntry(String factor, int step, String sigma) {
    }

    /**
     * Stage 1 of a number finished: its residues are in {@code residueFile}, whose SHA-256 is {@code sha256} (null
     * when it saved none because none were needed); {@code b1} is null in journals written before it was recorded.
     */
    record Stage1Done(Instant at, String number, String residueFile, String sha256, int curves, double seconds,
                      List<FoundFactorEntry> factors, String ecmVersion, Long b1) implements JournalEvent {
        public Stage1Done {
            factors = List.copyOf(factors);
        }
    }

    /**
     * Stage 2 of a number stopped before its end (shutdown): the residue lines it completed, what they found, and the
     * B2 ecm ran them with ({@code b2}; null in journals written before it was recorded).
     * Added up over several partial runs.
     */
    record Stage2Partial(Instant at, String number, List<Integer> completedLines, double seconds,
                         List<FoundFactorEntry> factors, String b2) implements JournalEvent {
        public Stage2Partial {
            completedLines = List.copyOf(completedLines);
            factors = List.copyOf(factors);
        }
    }

    /**
     * The number's result line is in the results file; {@code submit}: it is to be sent to the results server (a
     * {@link SubmissionQueued} follows once it is in the outbox).
     */
    record ResultWritten(Instant at, String number, String status, boolean submit) implements JournalEvent {
    }

    /** The number's result is in the outbox as submission {@code submissionId}. */
    record SubmissionQueued(Instant at, String number, String submissionId) implements JournalEvent {
    }

    /** An ecm child was started; with its start time, a later run can tell it from a process that reused the pid. */
    record ProcessStarted(Instant at, long pid, Instant processStart, String command) implements JournalEvent {
    }

    record ProcessEnded(Instant at, long pid) implements JournalEvent {
    }
}
