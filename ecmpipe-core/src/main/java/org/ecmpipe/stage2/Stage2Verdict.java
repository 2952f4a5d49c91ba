package org.ecmpipe.stage2;

import org.ecmpipe.result.CompositeResult;
import org.ecmpipe.result.Factorization;

/**
 * Whether a number whose stage 2 ran is done or failed: failed when curves could not be run and the
 * number is not settled anyway (no factor stopped stage 2, the factorization is not complete).
 */
public record Stage2Verdict(CompositeResult.Status status, String reason) {

    public static Stage2Verdict of(Stage2Result result, Factorization factorization) {
        if (result.failures().isEmpty() || result.stoppedEarly() || factorization.isComplete()) {
            return new Stage2Verdict(CompositeResult.Status.DONE, null);
        }
        CurveFailure first = result.failures().getFirst();
        return new Stage2Verdict(CompositeResult.Status.FAILED, result.failures().size() + " of " + result.curvesTotal()
                + " stage-2 curves failed; first (residue line " + first.lineNumber() + "): " + first.reason());
    }
}
