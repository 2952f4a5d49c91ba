package org.ecmpipe.tlevel;

/**
 * Curves to run to reach a t-level.
 *
 * @param work the curves to run (0 of them when the work done already reaches the target)
 * @param tLevel the t-level of the work done plus these curves; +infinity when that work reaches beyond 100 digits
 *        (which {@link TLevel#of} reports as 0)
 */
public record Suggestion(WorkItem work, double tLevel) {

    /** Number of curves to run. */
    public long curves() {
        return work.curves();
    }

    /** Their stage-1 bound. */
    public long b1() {
        return work.b1();
    }

    /**
     * The suggestion in brubsby/t-level's curve-string syntax: {@code curves@B1[,B2]} with B1 in the short form
     * ({@code 11e6}, {@code 3e6}, {@code 25e4}), then {@code ,p=P} unless the param is 1. (Whether stage 2 used NTT
     * has no place in that syntax.)
     */
    public String curveString() {
        return work.curves() + "@" + shortNumber(work.b1()) + (work.b2() == null ? "" : "," + work.b2())
                + (work.param() == 1 ? "" : ",p=" + work.param());
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
