package org.ecmpipe.ecm;

import java.math.BigInteger;

/**
 * A factor as GMP-ECM reported it, tied to the curve that found it; not yet verified (see
 * {@code org.ecmpipe.result.Factorization}).
 *
 * @param step the ECM stage, 1 or 2
 * @param sigma the curve, or null when ecm's output did not tie it to one
 */
public record FoundFactor(BigInteger factor, int step, Sigma sigma) {
}
