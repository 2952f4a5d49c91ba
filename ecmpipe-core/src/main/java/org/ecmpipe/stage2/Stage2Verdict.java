package org.ecmpipe.stage2;

import org.ecmpipe.result.Factorization;

/**
 * Whether a number whose stage 2 ran failed: when curves could not be run and the number is not settled anyway
 * (no factor stopped stage 2, the factorization is not complete).
 *
 * @param detail which curves failed, when it failed; null otherwise
 */
public record Stage2Verdict(boolean failed, String detail) {

    public static Stage2Verdict of(Stage2Result result, Factorization factorization) {
        if (result.failures().isEmpty() || result.stoppedEarly() || factorization.isComplete()) {
            return new Stage2Verdict(false, null);
        }
        CurveFailure first = result.failures().getFirst();
        return new Stage2Verdict(true, result.failures().size() + " of " + result.curvesTotal()
                + "; first (residue line " + first.lineNumber() + "): " + first.reason());
    }
}
