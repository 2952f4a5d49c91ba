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
}
