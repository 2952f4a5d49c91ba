package org.ecmpipe.tlevel;

import java.util.List;

/**
 * The slow, literal t-level of brubsby/t-level's {@code get_t_level_and_efs}: every item planned and evaluated on
 * its own at every digit size 10..100, F(d) as the product of (1 - p)^curves, a linear scan for the first d &gt;= 11
 * with F(d) &gt; 1/e. The production code ({@link Coverage}) merges equal kinds, evaluates only the digit sizes the
 * scan reaches and reuses them across searches; tests hold the two together.
 */
final class ReferenceTLevel {
    private ReferenceTLevel() {
    }

    static double[] missCurve(List<WorkItem> work) {
        double[] log = new double[91];
        for (WorkItem item : work) {
            Stage2Plan plan = Stage2Plan.of(item.b1(), item.b2(), item.ntt());
            for (int i = 0; i < 91; i++) {
                double p = Coverage.KindModel.probability(plan, item.b1(), item.param(), 10 + i);
                // brubsby multiplies pow(1 - p, curves); 1 - p loses p's digits when p is tiny (1e-13 with 1e12
                // curves: 1e-3 relative), so the literal definition here is the exact one, in logarithms
                log[i] += item.curves() * Math.log1p(-p);
            }
        }
        double[] f = new double[91];
        for (int i = 0; i < 91; i++) {
            f[i] = Math.exp(log[i]);
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
