package org.ecmpipe.tlevel;

/**
 * Dickman's rho and Kruppa's "local" rho exactly as GMP-ECM's {@code rho.c} computes them after
 * {@code rhoinit(256, 10)}: closed forms up to u = 3, a Boole's-rule table with step 1/256 up to u = 10,
 * linear interpolation in between.
 *
 * <p>Logarithms use {@link Math}, not {@link StrictMath}: HotSpot's {@code Math.log} agrees with glibc's {@code log}
 * that ecm uses, fdlibm's differs in the last bit for some arguments, and the table's recurrence turns such a bit
 * into a relative error of 1e-6 near u = 10 (measured against libecm, see LibEcmVectorsTest).
 *
 * <p>The table is built once when the class is initialised and never written again, so it is safe to share
 * between threads.
 */
final class DickmanRho {
    /** Grid points per unit of u ({@code invh}). */
    static final int INVH = 256;
    /** The table ends at u = 10 ({@code tablemax}); rho is taken as 0 from there on. */
    static final int TABLE_MAX = 10;
    /** Number of table entries, {@code invh * tablemax}. */
    static final int SIZE = INVH * TABLE_MAX;
    /** Grid step h. */
    static final double H = 1.0 / INVH;

    static final double EULER = 0.577215664901532861;
    static final double EULER_1 = 0.422784335098467139;
    private static final double PI_SQR_6 = 1.644934066848226436;

    private static final double[] TABLE = buildTable();

    private DickmanRho() {
    }

    private static double[] buildTable() {
        double[] t = new double[SIZE];
        for (int i = 0; i < 3 * INVH; i++) {
            t[i] = exact(i * H);
        }
        for (int i = 3 * INVH; i < SIZE; i++) {
            // rho(i*h) = rho((i-4)*h) - integral over ((i-4)h, ih] of rho(x-1)/x dx, Boole's rule
            t[i] = t[i - 4] - 2. / 45. * (
                    7. * t[i - INVH - 4] / (double) (i - 4)
                    + 32. * t[i - INVH - 3] / (double) (i - 3)
                    + 12. * t[i - INVH - 2] / (double) (i - 2)
                    + 32. * t[i - INVH - 1] / (double) (i - 1)
                    + 7. * t[i - INVH] / (double) i);
            if (t[i] < 0.) {
                t[i] = 0.;
            }
        }
        return t;
    }

    /** Table entry R[i] = rho(i/256), 0 &lt;= i &lt; {@link #SIZE}. */
    static double table(int i) {
        return TABLE[i];
    }

    /** {@code rhoexact}: rho(x) from its closed forms, x &lt;= 3. */
    static double exact(double x) {
        if (x <= 0.) {
            return 0.;
        } else if (x <= 1.) {
            return 1.;
        } else if (x <= 2.) {
            return 1. - Math.log(x);
        } else { // 2 < x <= 3, so -2 <= 1 - x < -1
            return 1. - Math.log(x) * (1. - Math.log(x - 1.)) + dilog(1. - x) + 0.5 * PI_SQR_6;
        }
    }

    /** {@code dilog} of rho.c: Li2(x) for x &lt;= -1. */
    private static double dilog(double x) {
        if (x <= -2.0) {
            double l = Math.log(-1. / x);
            return -dilogSeries(1. / x) - PI_SQR_6 - 0.5 * l * l;
        }
        double log1x = Math.log(1. - x);
        return dilogSeries(1. / (1. - x)) - PI_SQR_6 + log1x * (0.5 * log1x - Math.log(-x));
    }

    private static double dilogSeries(double z) {
        double r = 0.0;
        double zk = z;
        long k2 = 1;
        for (int k = 1; k <= 44; k++) {
            r += zk / (double) k2;
            k2 += 2L * k + 1;
            zk *= z;
        }
        return r;
    }

    /** {@code dickmanrho}: rho(alpha) for alpha &lt; 10. */
    static double rho(double alpha) {
        if (alpha <= 3.) {
            return exact(alpha);
        }
        int a = (int) Math.floor(alpha * INVH);
        double rho1 = TABLE[a];
        double rho2 = (a + 1) < SIZE ? TABLE[a + 1] : 0;
        return rho1 + (rho2 - rho1) * (alpha * INVH - (double) a);
    }

    /** {@code dickmanlocal}: the local rho for numbers near x, continuous form. */
    static double local(double alpha, double x) {
        if (alpha <= 1.) {
            return exact(alpha);
        }
        if (alpha < TABLE_MAX) {
            return rho(alpha) - EULER * rho(alpha - 1.) / Math.log(x);
        }
        return 0.;
    }

    /** {@code dickmanlocal_i}: the local rho at grid point u = ai/256, with {@code logx} = log(x). */
    static double localGrid(int ai, double logx) {
        if (ai <= 0) {
            return 0.;
        }
        if (ai <= INVH) {
            return 1.;
        }
        if (ai <= 2 * INVH && ai < SIZE) {
            return TABLE[ai] - EULER / logx;
        }
        if (ai < SIZE) {
            return TABLE[ai] - (EULER * TABLE[ai - INVH] + EULER_1 * TABLE[ai - 2 * INVH] / logx) / logx;
        }
        return 0.;
    }
}
