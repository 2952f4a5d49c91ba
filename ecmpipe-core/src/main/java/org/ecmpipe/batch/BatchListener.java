package org.ecmpipe.batch;

import org.ecmpipe.pipeline.PipelineListener;
import org.ecmpipe.result.CompositeResult;

/**
 * Hears what a batch run does, for progress lines and status displays; called only after what it reports is
 * durable. Called from several threads: implementations must be thread-safe.
 */
public interface BatchListener extends PipelineListener {
    BatchListener NONE = new BatchListener() { };

    /** A number settled before ECM (prime, or trial division finished it), already recorded. */
    default void settled(CompositeResult result) {
    }

    /** A number an earlier run finished, not run again; {@code result} is its newest result. */
    default void alreadyDone(CompositeResult result) {
    }

    /** A line stage-1 ecm printed (for curve counts in a status display; verbose logs get it anyway). */
    default void stage1Output(String line) {
    }
}
