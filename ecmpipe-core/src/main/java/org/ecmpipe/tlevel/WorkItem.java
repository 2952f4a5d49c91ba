package org.ecmpipe.tlevel;

import java.math.BigInteger;

/**
 * ECM curves run with the same bounds and parametrization: the unit of work t-levels are computed from.
 *
 * @param curves number of curves, at least 0
 * @param b1 stage-1 bound, at least 1
 * @param b2 stage-2 bound as given to ecm: {@code null} when ecm chose its default B2 for {@code b1} (see
 *        {@link TLevel#defaultB2(long, boolean)}), {@link BigInteger#ZERO} (or anything below {@code b1}) for curves
 *        that had stage 1 only, else the B2 the user gave ecm. A given B2 is different work from the same number
 *        chosen by default (ecm plans dF and k differently), so pass {@code null} whenever ecm defaulted it.
 * @param param GMP-ECM parametrization, 0 to 3 ({@code -param}; GPU curves are 3); ecm has no probability model
 *        for the others
 * @param ntt whether ecm ran stage 2 in NTT mode, which changes its default B2 and its dF/k plan: ecm's default
 *        for numbers below 2^1920 (see {@link TLevel#nttByDefault(BigInteger)}), off with {@code -no-ntt}
 */
public record WorkItem(long curves, long b1, BigInteger b2, int param, boolean ntt) {

    public WorkItem {
        if (curves < 0) {
            throw new IllegalArgumentException("curves must be >= 0, got " + curves);
        }
        if (b1 < 1) {
            throw new IllegalArgumentException("B1 must be >= 1, got " + b1);
        }
        if (b2 != null && b2.signum() < 0) {
            throw new IllegalArgumentException("B2 must be >= 0, got " + b2);
        }
        if (param < 0 || param > 3) {
            throw new IllegalArgumentException("param must be 0, 1, 2 or 3 (GMP-ECM has no success probabilities for param "
                    + param + ")");
        }
    }

    /** Work on a number below 2^1920, where ecm uses NTT by default. */
    public WorkItem(long curves, long b1, BigInteger b2, int param) {
        this(curves, b1, b2, param, true);
    }

    /** {@code curves} curves with ecm's default B2 for {@code b1} (NTT). */
    public static WorkItem defaultB2(long curves, long b1, int param) {
        return new WorkItem(curves, b1, null, param);
    }

    /** {@code curves} curves that had stage 1 only (B2 = 0), e.g. GPU residues whose stage 2 has not run. */
    public static WorkItem stage1Only(long curves, long b1, int param) {
        return new WorkItem(curves, b1, BigInteger.ZERO, param);
    }

    /** The same curves with another count. */
    public WorkItem withCurves(long count) {
        return new WorkItem(count, b1, b2, param, ntt);
    }

    /** What decides one curve's success probability: everything but the count. */
    CurveKind kind() {
        return new CurveKind(b1, b2, param, ntt);
    }

    /** One curve's bounds and parametrization; equal kinds have equal probabilities. */
    record CurveKind(long b1, BigInteger b2, int param, boolean ntt) {
        // equals and hashCode written out: a record's generated ones are linked through invokedynamic at first
        // use, which async-profiler showed costing ecmpipe 4-19 ms of CPU when a run's first number finished

        @Override
        public boolean equals(Object o) {
            return o instanceof CurveKind k && b1 == k.b1 && param == k.param && ntt == k.ntt
                    && java.util.Objects.equals(b2, k.b2);
        }

        @Override
        public int hashCode() {
            return hash(b1, b2, param, ntt);
        }
    }

    // equals and hashCode written out, as for CurveKind: work items are the keys of TLevelCache

    @Override
    public boolean equals(Object o) {
        return o instanceof WorkItem w && curves == w.curves && b1 == w.b1 && param == w.param && ntt == w.ntt
                && java.util.Objects.equals(b2, w.b2);
    }

    @Override
    public int hashCode() {
        return 31 * hash(b1, b2, param, ntt) + Long.hashCode(curves);
    }

    private static int hash(long b1, BigInteger b2, int param, boolean ntt) {
        int h = Long.hashCode(b1);
        h = 31 * h + java.util.Objects.hashCode(b2);
        h = 31 * h + param;
        return 31 * h + Boolean.hashCode(ntt);
    }

    /**
     * The work of one ECM run on a number as ecm did it: {@code stage2Curves} curves through stage 2 at B1,B2, the
     * rest of the {@code stage1Curves} at B1 only (stage 2 cut short, turned off, or not needed).
     *
     * @param b2 the B2 stage 2 ran with; null or {@code b2Default}: ecm's own default for B1
     * @param n the number ecm worked on (its size decides NTT mode, as in ecm)
     */
    public static java.util.List<WorkItem> ofRun(long stage1Curves, long stage2Curves, long b1, BigInteger b2,
                                                 boolean b2Default, int param, BigInteger n) {
        java.util.List<WorkItem> items = new java.util.ArrayList<>();
        long stage2 = Math.min(stage2Curves, stage1Curves);
        boolean ntt = TLevel.nttByDefault(n);
        if (stage2 > 0 && (b2Default || b2 == null || b2.signum() > 0)) {
            items.add(new WorkItem(stage2, b1, b2Default || b2 == null ? null : b2, param, ntt));
        } else {
            stage2 = 0;
        }
        if (stage1Curves > stage2) {
            items.add(new WorkItem(stage1Curves - stage2, b1, BigInteger.ZERO, param, ntt));
        }
        return items;
    }
}
