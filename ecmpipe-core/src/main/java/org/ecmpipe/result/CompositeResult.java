package org.ecmpipe.result;

import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The outcome for one input number: one line of the results file.
 *
 * @param status done, failed or skipped
 * @param reason why it failed or was skipped (null when done)
 * @param b2 the B2 really used (null when stage 2 did not run)
 * @param param the parametrization of its curves (null when unknown)
 * @param curves stage-1 curves
 * @param stage2Curves curves whose stage 2 finished
 * @param stage1Reused stage 1 came from an earlier run's residues
 */
public record CompositeResult(BigInteger composite, Status status, String reason, List<Factor> factors,
                              BigInteger cofactor, boolean cofactorPrime, long b1, BigInteger b2, Integer param,
                              int curves, int stage2Curves, double stage1Seconds, double stage2Seconds,
                              boolean stage1Reused, Instant startedAt, Instant finishedAt, String ecmVersion) {

    public enum Status {
        DONE, FAILED, SKIPPED;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public CompositeResult {
        Objects.requireNonNull(composite, "composite");
        Objects.requireNonNull(status, "status");
        factors = List.copyOf(factors);
    }
}
