package org.ecmpipe.tlevel;

/**
 * The standard B1 ladder (t20: 11e3, t25: 5e4, t30: 25e4, t35: 1e6, t40: 3e6, t45: 11e6, t50: 43e6, t55: 11e7, t60: 26e7,
 * t65: 85e7): the B1 a run or a server picks for the next step towards a target t-level.
 */
public final class B1Ladder {
    private static final long[][] RUNGS = {{20, 11_000}, {25, 50_000}, {30, 250_000}, {35, 1_000_000}, {40, 3_000_000},
        {45, 11_000_000}, {50, 43_000_000}, {55, 110_000_000}, {60, 260_000_000}, {65, 850_000_000}};

    private B1Ladder() {
    }

    /**
     * The rung {@code {t-level, B1}} for the next level above {@code t}, not beyond the one that holds the target; the
     * top rung past the ladder's end.
     */
    public static long[] nextRung(double t, double target) {
        for (long[] rung : RUNGS) {
            if (rung[0] > t + 0.001 || rung[0] >= target) {
                return rung.clone();
            }
        }
        return RUNGS[RUNGS.length - 1].clone();
    }

    /** The t-level whose rung has the largest B1 not above {@code b1} (15 below the ladder's first rung). */
    public static int levelOf(long b1) {
        int level = 15;
        for (long[] rung : RUNGS) {
            if (rung[1] <= b1) {
                level = (int) rung[0];
            }
        }
        return level;
    }
}
