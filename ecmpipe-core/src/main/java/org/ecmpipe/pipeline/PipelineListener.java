package org.ecmpipe.pipeline;

import org.ecmpipe.result.CompositeResult;
import org.ecmpipe.stage1.Stage1Result;
import org.ecmpipe.stage2.Stage2Listener;
import org.ecmpipe.stage2.Stage2Result;

/**
 * Hears what the pipeline does, for logs, a status line and tests. Stage-1 events come from producer
 * threads, stage-2 events from the stage-2 thread: implementations must be thread-safe.
 */
public interface PipelineListener {
    PipelineListener NONE = new PipelineListener() { };

    default void stage1Started(String producer, PlannedNumber number) {
    }

    default void stage1Finished(String producer, PlannedNumber number, Stage1Result result) {
    }

    /** Stage 1 of the number was done by an earlier run and is reused. */
    default void stage1Reused(String producer, PlannedNumber number) {
    }

    /** Handed to the stage-2 executor for this number (progress, factors, ecm lines). */
    default Stage2Listener stage2Listener(PlannedNumber number) {
        return Stage2Listener.NONE;
    }

    default void stage2Started(PlannedNumber number, int curves) {
    }

    default void stage2Finished(PlannedNumber number, Stage2Result result) {
    }

    /** The run is stopping and stage 2 of the number was cut short: no result is written for it. */
    default void stage2Interrupted(PlannedNumber number, Stage2Result partial) {
    }

    /**
     * Work-conserving CPU mode: {@code slot} started chunk {@code chunk} (1-based) of the number's stage 1, {@code
     * curves} curves.
     */
    default void stage1ChunkStarted(String slot, PlannedNumber number, int chunk, int curves) {
    }

    /** Work-conserving CPU mode: the chunk ended after {@code curves} curves. */
    default void stage1ChunkFinished(String slot, PlannedNumber number, int chunk, int curves) {
    }

    /** Work-conserving CPU mode: {@code slot} joined the number's stage 2 as one more {@code ecm -resume} worker. */
    default void stage2WorkerJoined(String slot, PlannedNumber number) {
    }

    /** Work-conserving CPU mode: {@code slot} left the number's stage 2 (no line left for it to take). */
    default void stage2WorkerLeft(String slot, PlannedNumber number) {
    }

    /** The number's result, already written to every sink. */
    default void numberFinished(PlannedNumber number, CompositeResult result) {
    }
}
