package org.ecmpipe.tlevel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The chance F(d) that some work missed a factor of d digits, d = 10..100, and the t-level read from it
 * (brubsby/t-level's definition). Curves of the same kind are merged and each kind's success probability is
 * computed at most once per digit size, only where it is needed (searches reuse them for every candidate).
 *
 * <p>Not thread-safe: one instance serves one computation (the probability memos fill as it goes).
 */
final class Coverage {
    static final int MIN_DIGITS = 10;
    static final int MAX_DIGITS = 100;
    static final double THRESHOLD = Math.exp(-1);
    /** A log F below this means F &lt; 1/e whatever the rounding of the rest of the sum. */
    private static final double CERTAINLY_BELOW = -1 - 1e-9;

    private final List<KindWork> kinds;

    private Coverage(List<KindWork> kinds) {
        this.kinds = kinds;
    }

    static Coverage of(Collection<WorkItem> work) {
        Map<WorkItem.CurveKind, Long> curves = new LinkedHashMap<>();
        for (WorkItem item : work) {
            if (item.curves() > 0) {
                curves.merge(item.kind(), item.curves(), Math::addExact);
            }
        }
        List<KindWork> kinds = new ArrayList<>();
        curves.forEach((kind, n) -> kinds.add(new KindWork(new KindModel(kind), n)));
        return new Coverage(kinds);
    }

    /** This work plus {@code n} curves of {@code model}'s kind (sharing the memos). */
    Coverage plus(KindModel model, long n) {
        List<KindWork> more = new ArrayList<>(kinds);
        if (n > 0) {
            more.add(new KindWork(model, n));
        }
        return new Coverage(more);
    }

    /** F(d) = product over kinds of (1 - p(d))^curves. */
    double miss(int digits) {
        double log = 0;
        for (KindWork k : kinds) {
            log += k.curves * Math.log1p(-k.model.probability(digits));
        }
        return Math.exp(log);
    }

    /**
     * The t-level: the first d &gt;= 11 with F(d) &gt; 1/e, then linear interpolation between d - 1 and d; 0 when
     * there is no such d (all work up to 100 digits) or F is flat there.
     *
     * <p>A plain scan upwards, not a bisection: GMP-ECM's probability is not monotone in the factor size where u
     * reaches the end of its rho table (e.g. B1 = 11000, B2 = 0, param 0: p(41) = 1.1e-12 &lt; p(42) = 6.3e-12), so
     * only the scan is the definition for every input. The small digit sizes it visits first are the cheap ones.
     */
    double tLevel() {
        double t = tLevelOrInfinity();
        return Double.isInfinite(t) ? 0 : t;
    }

    /** As {@link #tLevel()}, but +infinity instead of 0 when F(d) &lt;= 1/e up to 100 digits (for searches). */
    double tLevelOrInfinity() {
        if (kinds.isEmpty()) {
            return 0;
        }
        // kinds that contributed most at the last digit size come first, so that most digit sizes below the
        // crossing are settled by one or two kinds: log F(d) only falls as kinds are added
        int[] order = new int[kinds.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        double[] contribution = new double[order.length];
        for (int d = MIN_DIGITS + 1; d <= MAX_DIGITS; d++) {
            if (!missedAtMostThreshold(d, order, contribution)) {
                double f = miss(d);
                if (f > THRESHOLD) {
                    return interpolate(d, miss(d - 1), f);
                }
            }
        }
        return Double.POSITIVE_INFINITY;
    }

    /**
     * Whether log F(d) is certainly below -1 (F(d) &lt; 1/e) from the first kinds in {@code order} alone; reorders
     * the kinds it evaluated by their share, largest first.
     */
    private boolean missedAtMostThreshold(int d, int[] order, double[] contribution) {
        double log = 0;
        int evaluated = 0;
        boolean below = false;
        while (evaluated < order.length) {
            int k = order[evaluated++];
            KindWork kw = kinds.get(k);
            contribution[k] = kw.curves * Math.log1p(-kw.model.probability(d));
            log += contribution[k];
            if (log < CERTAINLY_BELOW) {
                below = true;
                break;
            }
        }
        // insertion sort of the evaluated prefix, most negative share first
        for (int i = 1; i < evaluated; i++) {
            int k = order[i];
            int j = i - 1;
            while (j >= 0 && contribution[order[j]] > contribution[k]) {
                order[j + 1] = order[j];
                j--;
            }
            order[j + 1] = k;
        }
        return below;
    }

    /** brubsby's interpolation between whole digit sizes d - 1 and d. */
    static double interpolate(int d, double y1, double y2) {
        double m = y2 - y1;
        if (m == 0) {
            return 0;
        }
        double b = y2 - m * d;
        return Math.max(0.0, (THRESHOLD - b) / m);
    }

    /** F(d) for d = 10..100. */
    double[] missCurve() {
        double[] f = new double[MAX_DIGITS - MIN_DIGITS + 1];
        for (int i = 0; i < f.length; i++) {
            f[i] = miss(MIN_DIGITS + i);
        }
        return f;
    }

    /**
     * brubsby's "expected factor size": sum of d times the central difference of F (one-sided at the ends, negative
     * differences taken as 0).
     */
    double expectedFactorSize() {
        if (kinds.isEmpty()) {
            return 0;
        }
        double[] fp = missCurve();
        int n = fp.length;
        double efs = 0;
        for (int i = 0; i < n; i++) {
            double dp;
            if (i == 0) {
                dp = fp[1] / 2.0;
            } else if (i == n - 1) {
                dp = Math.max(0.0, (1.0 - fp[n - 2]) / 2.0);
            } else {
                dp = Math.max(0.0, (fp[i + 1] - fp[i - 1]) / 2.0);
            }
            efs += dp * (i + MIN_DIGITS);
        }
        return efs;
    }

    private record KindWork(KindModel model, long curves) {
    }

    /** One curve kind's stage-2 plan and its success probability per whole digit size, computed on demand. */
    static final class KindModel {
        private final WorkItem.CurveKind kind;
        private final Stage2Plan plan;
        private final double[] probability = new double[MAX_DIGITS + 1];

        KindModel(WorkItem.CurveKind kind) {
            this.kind = kind;
            this.plan = Stage2Plan.of(kind.b1(), kind.b2(), kind.ntt());
            Arrays.fill(probability, Double.NaN);
        }

        double probability(int digits) {
            double p = probability[digits];
            if (Double.isNaN(p)) {
                p = EcmProbability.ecmprob((double) kind.b1(), plan.printedB2AsDouble(),
                        EcmProbability.modelledSize(digits, kind.param()), plan.nr(), plan.s(), false);
                probability[digits] = p;
            }
            return p;
        }

        /** One curve's probability exactly as ecm computes it (the memoised one above is the fast variant). */
        static double probability(Stage2Plan plan, long b1, int param, double digits) {
            return EcmProbability.ecmprob((double) b1, plan.printedB2AsDouble(),
                    EcmProbability.modelledSize(digits, param), plan.nr(), plan.s());
        }
    }
}
