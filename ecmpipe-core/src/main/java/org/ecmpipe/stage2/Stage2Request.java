package org.ecmpipe.stage2;

import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.ecmpipe.residue.Residue;

/**
 * Stage 2 of one number over its saved residues.
 *
 * @param composite the number (residue lines may carry a cofactor of it)
 * @param b1 the residues' B1; passed to ecm as is
 * @param b2 the stage-2 bound, or null for GMP-ECM's default for this B1
 * @param workers concurrent {@code ecm -resume} processes
 * @param continueAfterFactor run every curve even after a factor is found
 * @param progressInterval report progress every this many curves (0: never)
 * @param curveTimeout how long one curve's stage 2 may take before its worker is ended as hung
 * @param b2Min the lower end of a B2 range (stage 2 over (b2Min, b2] only), or null
 * @param knownFactors factors found before stage 2 (e.g. in stage 1): finding one again does not stop stage 2
 */
public record Stage2Request(BigInteger composite, long b1, BigInteger b2, List<Residue> residues, int workers,
                            boolean continueAfterFactor, int progressInterval, Duration curveTimeout,
                            List<BigInteger> knownFactors, BigInteger b2Min) {
    public Stage2Request {
        knownFactors = List.copyOf(knownFactors);
        Objects.requireNonNull(composite, "composite");
        Objects.requireNonNull(curveTimeout, "curveTimeout");
        residues = List.copyOf(residues);
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1");
        }
        if (progressInterval < 0) {
            throw new IllegalArgumentException("progress interval must not be negative");
        }
        if (b2 != null && b2.signum() <= 0) {
            throw new IllegalArgumentException("B2 must be positive");
        }
        if (b2Min != null && (b2 == null || b2Min.compareTo(b2) >= 0)) {
            throw new IllegalArgumentException("a B2 range needs B2min < B2");
        }
    }

    /** Stage 2 from B1 (no B2 range). */
    public Stage2Request(BigInteger composite, long b1, BigInteger b2, List<Residue> residues, int workers,
                         boolean continueAfterFactor, int progressInterval, Duration curveTimeout,
                         List<BigInteger> knownFactors) {
        this(composite, b1, b2, residues, workers, continueAfterFactor, progressInterval, curveTimeout, knownFactors, null);
    }
}
