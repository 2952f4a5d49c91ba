package org.ecmpipe.result;

import java.math.BigInteger;
import java.util.Objects;
import org.ecmpipe.ecm.Sigma;

/**
 * A verified factor of a composite: it divides the composite, and {@code prime} is our own test's verdict,
 * never GMP-ECM's wording.
 *
 * @param stage 0 before ECM (trial division), 1 or 2 for the ECM stage that found it
 * @param sigma the curve that found it, or null (trial division)
 * @param exponent how many times it divides the composite
 */
public record Factor(BigInteger factor, boolean prime, int stage, Sigma sigma, int exponent) {
    public Factor {
        Objects.requireNonNull(factor, "factor");
        if (exponent < 1) {
            throw new IllegalArgumentException("exponent must be at least 1");
        }
    }
}
