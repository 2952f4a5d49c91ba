package org.ecmpipe.tlevel;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * t-levels of ECM work, from GMP-ECM 7's own probability model.
 *
 * <p>One curve's chance to find a factor of d digits is what {@code ecm -v} uses for its "Expected number of curves"
 * table (GMP-ECM's {@code rho.c} with the stage-2 plan ecm makes for the bounds; see
 * {@code docs/ARCHITECTURE.md}). The t-level follows brubsby/t-level, which ecm-wrapper uses: F(d), the chance
 * that all the work missed a factor of d digits, is computed for d = 10..100; the t-level is where F rises through
 * 1/e, interpolated linearly between whole digit sizes. "t35" thus means a 35-digit factor would have been found
 * with probability 1 - 1/e; the work 1071@1e6 (param 1) is t35.001.
 *
 * <p>Curves that had stage 1 only (GPU residues not yet through stage 2) count as {@link WorkItem#stage1Only}; once
 * their stage 2 has run, count them as the stage-2 item instead, not both. Record whether ecm chose B2 itself:
 * {@code null} B2 in {@link WorkItem}, since an explicit B2 equal to the default is planned differently.
 *
 * <p>All methods are pure functions of their arguments and safe to call from any thread.
 */
public final class TLevel {
    /** Lowest B1 a suggestion uses when it picks B1 itself (brubsby/t-level's range). */
    static final long MIN_SUGGESTED_B1 = 1000;
    /** Highest B1 a suggestion uses when it picks B1 itself (brubsby/t-level's range). */
    static final long MAX_SUGGESTED_B1 = 50_000_000_000L;

    private TLevel() {
    }

    /**
     * The t-level of the work: 0 for no work, and also 0 when the work reaches beyond 100 digits (brubsby/t-level's
     * convention).
     */
    public static double of(Collection<WorkItem> work) {
        return Coverage.of(work).tLevel();
    }

    /** The chance that the work found a factor of {@code digits} digits, if the number has one. */
    public static double probability(Collection<WorkItem> work, double digits) {
        double log = 0;
        for (WorkItem item : work) {
            if (item.curves() > 0) {
                log += item.curves() * Math.log1p(-curveProbability(item, digits));
            }
        }
        return -Math.expm1(log);
    }

    /**
     * The chance that one curve of the item's kind (its count is ignored) finds a factor of {@code digits} digits:
     * 1 / (the "expected number of curves" {@code ecm -v} prints for these bounds and param).
     */
    public static double curveProbability(WorkItem item, double digits) {
        if (!(digits >= 1 && digits <= 1000)) {
            throw new IllegalArgumentException("digits must be between 1 and 1000, got " + digits);
        }
        Stage2Plan plan = Stage2Plan.of(item.b1(), item.b2(), item.ntt());
        return Coverage.KindModel.probability(plan, item.b1(), item.param(), digits);
    }

    /**
     * brubsby/t-level's "expected factor size" of the work: the sum over d = 10..100 of d times the central
     * difference of F(d); 0 for no work.
     */
    public static double expectedFactorSize(Collection<WorkItem> work) {
        return Coverage.of(work).expectedFactorSize();
    }

    /** The B2 GMP-ECM chooses for {@code b1} by default (and prints) for numbers below 2^1920 (NTT on). */
    public static BigInteger defaultB2(long b1) {
        return defaultB2(b1, true);
    }

    /**
     * The B2 GMP-ECM chooses for {@code b1} by default and prints on its "Using B1=..., B2=..." line: the planner's
     * B2' for the requested trunc((11/6 * B1)^1.43), e.g. 1045563762 for B1 = 1e6 with NTT, 974637522 without.
     *
     * @param ntt whether ecm runs stage 2 with NTT, see {@link #nttByDefault(BigInteger)}
     */
    public static BigInteger defaultB2(long b1, boolean ntt) {
        if (b1 < 1) {
            throw new IllegalArgumentException("B1 must be >= 1, got " + b1);
        }
        return Stage2Plan.of(b1, null, ntt).printedB2();
    }

    /** Whether ecm uses NTT for stage 2 of {@code n} unless told otherwise: n has at most 30 64-bit limbs. */
    public static boolean nttByDefault(BigInteger n) {
        return (n.abs().bitLength() + 63) / 64 <= 30;
    }

    /**
     * The fewest curves at {@code b1} (default B2, NTT) that bring the work to at least {@code target}.
     *
     * @throws IllegalArgumentException for a target outside (0, 100) or one no number of curves reaches
     */
    public static Suggestion curvesToReach(Collection<WorkItem> done, double target, long b1, int param) {
        return curvesToReach(done, target, WorkItem.defaultB2(1, b1, param));
    }

    /**
     * The fewest curves like {@code curve} (its B1, B2, param and NTT; its count is ignored) that bring the work to
     * at least {@code target}.
     *
     * @throws IllegalArgumentException for a target outside (0, 100) or one no number of curves reaches
     */
    public static Suggestion curvesToReach(Collection<WorkItem> done, double target, WorkItem curve) {
        checkTarget(target);
        Coverage base = Coverage.of(done);
        if (base.tLevelOrInfinity() >= target) {
            return new Suggestion(curve.withCurves(0), base.tLevelOrInfinity());
        }
        Coverage.KindModel model = new Coverage.KindModel(curve.kind());
        long hi = 1;
        while (base.plus(model, hi).tLevelOrInfinity() < target) {
            if (hi > Long.MAX_VALUE / 4) {
                throw new IllegalArgumentException("no number of curves at B1=" + curve.b1() + " reaches t" + target);
            }
            hi *= 2;
        }
        long lo = hi / 2; // does not reach (or is 0, which does not either)
        while (hi - lo > 1) {
            long mid = lo + (hi - lo) / 2;
            if (base.plus(model, mid).tLevelOrInfinity() >= target) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return new Suggestion(curve.withCurves(hi), base.plus(model, hi).tLevelOrInfinity());
    }

    /**
     * The smallest B1 with two significant digits (1000, 1100, ..., 11e6, 12e6, ..., up to 5e10) at which
     * {@code curves} curves (default B2, NTT) bring the work to at least {@code target}.
     *
     * @throws IllegalArgumentException for a target outside (0, 100) or one no such B1 reaches
     */
    public static Suggestion b1ToReach(Collection<WorkItem> done, double target, long curves, int param) {
        checkTarget(target);
        if (curves < 1) {
            throw new IllegalArgumentException("curves must be >= 1, got " + curves);
        }
        Coverage base = Coverage.of(done);
        List<Long> grid = twoDigitB1s();
        if (base.tLevelOrInfinity() >= target) {
            return new Suggestion(WorkItem.defaultB2(0, grid.getFirst(), param), base.tLevelOrInfinity());
        }
        int lo = -1; // index that does not reach (virtual)
        int hi = grid.size() - 1;
        if (tWith(base, curves, grid.get(hi), param) < target) {
            throw new IllegalArgumentException(curves + " curves do not reach t" + target + " at any B1 up to "
                    + Suggestion.shortNumber(grid.get(hi)));
        }
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (tWith(base, curves, grid.get(mid), param) >= target) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        long b1 = grid.get(hi);
        return new Suggestion(WorkItem.defaultB2(curves, b1, param),
                base.plus(kindModel(b1, param), curves).tLevelOrInfinity());
    }

    /**
     * Curves to reach {@code target} at a B1 chosen as brubsby/t-level does without constraints: Zimmermann's fit
     * B1 = exp(0.075 * log2(10^target) + 5.332) (members.loria.fr/PZimmermann/records/ecm/params.html), rounded to
     * two significant digits, at least 10000; then {@link #curvesToReach}.
     */
    public static Suggestion suggest(Collection<WorkItem> done, double target, int param) {
        checkTarget(target);
        double b1 = Math.exp(0.0750 * target * (Math.log(10) / Math.log(2)) + 5.332);
        return curvesToReach(done, target, Math.max(10_000L, roundTwoDigits((long) b1)), param);
    }

    private static double tWith(Coverage base, long curves, long b1, int param) {
        return base.plus(kindModel(b1, param), curves).tLevelOrInfinity();
    }

    private static Coverage.KindModel kindModel(long b1, int param) {
        return new Coverage.KindModel(WorkItem.defaultB2(1, b1, param).kind());
    }

    static long roundTwoDigits(long n) {
        long scale = 1;
        while (n / scale >= 100) {
            scale *= 10;
        }
        return Math.round((double) n / scale) * scale;
    }

    static List<Long> twoDigitB1s() {
        List<Long> grid = new ArrayList<>();
        for (long scale = MIN_SUGGESTED_B1 / 10; ; scale *= 10) {
            for (long m = 10; m < 100; m++) {
                long b1 = m * scale;
                if (b1 > MAX_SUGGESTED_B1) {
                    return grid;
                }
                grid.add(b1);
            }
        }
    }

    private static void checkTarget(double target) {
        if (!(target > 0 && target < 100)) {
            throw new IllegalArgumentException("target t-level must be above 0 and below 100, got " + target);
        }
    }
}
