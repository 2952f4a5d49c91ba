package org.ecmpipe.tlevel;

import java.util.List;

/**
 * The slow, literal t-level of brubsby/t-level's {@code get_t_level_and_efs}: every item planned and evaluated on
 * its own at every digit size 10..100, F(d) as the product of (1 - p)^curves, a linear scan for the first d &gt;= 11
 * with F(d) &gt; 1/e. The production code ({@link Coverage}) merges equal kinds, evaluates only the digit sizes a
 * bisection needs and sums logarithms; tests hold the two together.
 */
final class ReferenceTLevel {
    private ReferenceTLevel() {
    }

    static double[] missCurve(List<WorkItem> work) {
        double[] f = new double[91];
        java.util.Arrays.fill(f, 1.0);
        for (WorkItem item : work) {
            Stage2Plan plan = Stage2Plan.of(item.b1(), item.b2(), item.ntt());
            for (int i = 0; i < 91; i++) {
                double p = Coverage.KindModel.probability(plan, item.b1(), item.param(), 10 + i);
                f[i] *= Math.pow(1.0 - p, item.curves());
            }
        }
        return f;
    }

    static double tLevel(List<WorkItem> work) {
        if (work.isEmpty()) {
            return 0;
        }
        double[] f = missCurve(work);
        double threshold = Math.exp(-1);
        for (int i = 1; i < f.length; i++) {
            if (f[i] > threshold) {
                double y1 = f[i - 1];
                double y2 = f[i];
                double m = y2 - y1;
                if (m == 0) {
                    return 0;
                }
                double b = y2 - m * (i + 10);
                return Math.max(0.0, (threshold - b) / m);
            }
        }
        return 0;
    }
}
