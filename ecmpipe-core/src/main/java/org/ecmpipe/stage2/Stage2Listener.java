package org.ecmpipe.stage2;

import org.ecmpipe.ecm.FoundFactor;

/** Hears what stage 2 does while it runs. Called from worker threads: implementations must be thread-safe. */
public interface Stage2Listener {
    Stage2Listener NONE = new Stage2Listener() { };

    /** Every {@code --progress-interval} curves. */
    default void progress(Stage2Progress progress) {
    }

    /** After every completed curve (for live displays; keep it cheap). */
    default void curveCompleted(Stage2Progress progress) {
    }

    /** A new proper factor of the composite (already checked to divide it). */
    default void factorFound(FoundFactor factor) {
    }

    default void curveFailed(CurveFailure failure) {
    }

    /** A line ecm printed, for verbose logs. */
    default void ecmOutput(int worker, String line) {
    }
}
