package org.ecmpipe.tlevel;

/**
 * Curves to run to reach a t-level: {@code curves} curves at {@code b1} with ecm's default B2 and {@code param}.
 *
 * @param curves number of curves to run (0 when the work done already reaches the target)
 * @param b1 stage-1 bound
 * @param param GMP-ECM parametrization
 * @param tLevel the t-level of the work done plus these curves; +infinity when that work reaches beyond 100 digits
 *        (which {@link TLevel#of} reports as 0)
 */
public record Suggestion(long curves, long b1, int param, double tLevel) {

    /** The suggestion as a work item (default B2, NTT). */
    public WorkItem workItem() {
        return WorkItem.defaultB2(curves, b1, param);
    }

    /**
     * The suggestion in the curve-string syntax of brubsby/t-level: {@code curves@B1} with B1 in the short form
     * ({@code 11e6}, {@code 3e6}, {@code 250000} stays {@code 25e4}), plus {@code ,p=P} unless the param is 1.
     */
    public String curveString() {
        return curves + "@" + shortNumber(b1) + (param == 1 ? "" : ",p=" + param);
    }

    /** {@code 11000000} as {@code 11e6}: the digits without trailing zeros, then e and their count; small as is. */
    static String shortNumber(long n) {
        int zeros = 0;
        long m = n;
        while (m != 0 && m % 10 == 0) {
            m /= 10;
            zeros++;
        }
        return zeros < 3 ? Long.toString(n) : m + "e" + zeros;
    }
}
