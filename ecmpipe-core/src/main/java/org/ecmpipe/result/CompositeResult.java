package org.ecmpipe.result;

import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The outcome for one input number: one line of the results file. Built by {@link ResultBuilder} only (and read
 * back from the results file by {@link ResultsFile#read}).
 *
 * @param status done, failed or skipped
 * @param reason why it failed or was skipped (null when done)
 * @param reasonDetail the particulars of {@code reason} (e.g. ecm's exit code), or null
 * @param b2 the B2 really used (null when stage 2 did not run; 0 when stage 2 was turned off)
 * @param param the parametrization of its curves (null when unknown)
 * @param curves stage-1 curves
 * @param stage2Curves curves whose stage 2 finished
 * @param stage1Reused stage 1 came from an earlier run's residues
 * @param stage1Device what ran stage 1: {@code cpu}, {@code gpu} or {@code gpu:N}; null when stage 1 did not run
 * @param input the number as the user wrote it when that was an expression ({@code 2^67-1}), else null
 * @param b2Default the B2 was ecm's own default for B1 (not given), which ecm plans slightly differently
 * @param b2Min the lower end of a B2 range ({@code --b2 MIN-MAX}), or null (stage 2 from B1 to {@code b2})
 * @param tLevel the t-level of the work this result reports (its stage-2 curves at B1,B2 and its stage-1-only curves
 *     at B1,0), or null when no ECM ran
 */
public record CompositeResult(BigInteger composite, Status status, Reason reason, String reasonDetail,
                              List<Factor> factors, BigInteger cofactor, boolean cofactorPrime, long b1, BigInteger b2,
                              Integer param, int curves, int stage2Curves, double stage1Seconds, double stage2Seconds,
                              boolean stage1Reused, Instant startedAt, Instant finishedAt, String ecmVersion,
                              String stage1Device, String input, boolean b2Default, BigInteger b2Min,
                              Double tLevel) {

    public enum Status {
        DONE, FAILED, SKIPPED;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Status ofWire(String text) {
            return valueOf(text.toUpperCase(java.util.Locale.ROOT));
        }
    }

    public CompositeResult {
        Objects.requireNonNull(composite, "composite");
        Objects.requireNonNull(status, "status");
        if ((status == Status.DONE) != (reason == null)) {
            throw new IllegalArgumentException("a " + status.wire() + " result " + (reason == null ? "needs" : "has no") + " reason");
        }
        factors = List.copyOf(factors);
    }

    /** The ECM work this result reports, for t-levels (empty when no ECM ran). */
    public java.util.List<org.ecmpipe.tlevel.WorkItem> work() {
        if (curves == 0 || param == null) {
            return java.util.List.of();
        }
        // GMP-ECM's probability model has no B2min: stage 2 over a range is counted as stage 1 only (an underestimate)
        return org.ecmpipe.tlevel.WorkItem.ofRun(curves, b2Min != null ? 0 : stage2Curves, b1, b2, b2Default, param, composite);
    }

    /** Whether nothing is left to factor: the cofactor is 1 or prime and every factor is prime. */
    public boolean fullyFactored() {
        return cofactorPrime && factors.stream().allMatch(Factor::prime);
    }

    /** The number as the user wrote it: the expression when there was one, else its decimal digits. */
    public String inputText() {
        return input != null ? input : composite.toString();
    }

    /** The reason as users read it ("stage 1 failed: ecm exited with code 1"), or null when done. */
    public String reasonText() {
        return reason == null ? null : reason.describe(reasonDetail);
    }
}
