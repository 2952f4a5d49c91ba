package org.ecmpipe.tlevel;

import static org.ecmpipe.tlevel.DickmanRho.H;
import static org.ecmpipe.tlevel.DickmanRho.INVH;
import static org.ecmpipe.tlevel.DickmanRho.SIZE;

import org.ecmpipe.composite.SmallPrimes;

/**
 * The probability that one ECM curve finds a prime factor of a given size: {@code ecmprob} and {@code prob}
 * of GMP-ECM's {@code rho.c} (7.0.5 and master d5a34f54 are identical), operation for operation, so the
 * expected-curve tables ecm prints are reproduced to the last printed digit.
 *
 * <p>Changes for speed: the Brent-Suyama sum computes the weights and powers shared by all residue classes once
 * instead of once per class, computes classes with equal trial counts once, skips {@code exp} where
 * {@code 1 - exp(-x)} is exactly 0 or 1 in doubles, and takes the powers B1^y on the
 * grid from a geometric progression rather than {@code pow}. Every other term is the same expression as in C. Logarithms, powers and exponentials use {@link Math},
 * which agrees with glibc here (see {@link DickmanRho}); the result is within 1e-15 of libecm's.
 */
final class EcmProbability {
    /** Suyama-type curves are as likely smooth as a random integer e^3.134 times smaller. */
    static final double EXTRA_SMOOTHNESS = 3.134;
    /** Below this B1 the stage-2 primes up to it are summed one by one. */
    private static final double SUM_THRESHOLD = 20000.;
    /** Below this |x|, exp(-x) rounds to 1.0 and 1 - exp(-x) is 0. */
    private static final double NEGLIGIBLE = 0x1p-60;
    /** Above this, exp(-x) &lt; 2^-54 and 1 - exp(-x) rounds to 1.0. */
    private static final double SATURATED = 40;
    /** Below this, 1 - exp(-x) is x(1 - x/2) to within x^3/6 (used when not reproducing ecm's rounding). */
    private static final double SERIES = 1e-5;
    private static final int[] PRIMES = SmallPrimes.upTo((int) SUM_THRESHOLD);
    private static final double[] LOG_PRIMES = new double[PRIMES.length];

    static {
        for (int i = 0; i < PRIMES.length; i++) {
            LOG_PRIMES[i] = Math.log(PRIMES[i]);
        }
    }

    private EcmProbability() {
    }

    /** Torsion correction c of ecm.c's {@code print_expcurves} for params 0-3; the modelled order is N/c. */
    static double smoothnessCorrection(int param) {
        return switch (param) {
            case 0, 2 -> 1.0;
            case 1 -> 0.416384512396064; // EXTRA_SMOOTHNESS_SQUARE
            case 3 -> 0.330484606500389; // EXTRA_SMOOTHNESS_32BITS_D
            default -> throw new IllegalArgumentException("no success probabilities for param " + param);
        };
    }

    /** The N ecm uses for a factor of {@code digits} digits: 10^(digits - 0.5) / c(param). */
    static double modelledSize(double digits, int param) {
        return Math.pow(10., digits - .5) / smoothnessCorrection(param);
    }

    /**
     * {@code ecmprob(B1, B2, N, nr, S)}: probability that one curve finds a factor near N.
     *
     * @param b1 stage-1 bound
     * @param b2 stage-2 bound fed to the formula (as printed by ecm, converted with {@code mpz_get_d})
     * @param n modelled factor size, see {@link #modelledSize}
     * @param nr dF^2 * k
     * @param s Brent-Suyama polynomial: &gt; 1 x^s, &lt; -1 Dickson(|s|), else none
     */
    static double ecmprob(double b1, double b2, double n, double nr, int s) {
        return ecmprob(b1, b2, n, nr, s, true);
    }

    /**
     * {@link #ecmprob(double, double, double, double, int)}, or with {@code asEcm} false a faster variant for
     * t-levels: where ecm computes 1 - exp(-x) for x &lt; 1e-5 (and loses digits to cancellation), it takes
     * x(1 - x/2), which is exact to 2e-16 and needs no exp. The two differ only where that cancellation shows, far
     * below any probability a t-level depends on (ecm prints some of those tails: Inf where the variant has 7e+28).
     */
    static double ecmprob(double b1, double b2, double n, double nr, int s, boolean asEcm) {
        double effN = n / Math.exp(EXTRA_SMOOTHNESS);
        if (b1 < 2. || n <= 1.) {
            return 0.;
        }
        if (effN <= b1) {
            return 1.;
        }
        double logB1 = Math.log(b1);
        double logx = Math.log(effN);
        double alpha = logx / logB1;
        double stage1 = DickmanRho.local(alpha, effN);
        double stage2 = 0.;
        if (b2 > b1) {
            double beta;
            if (b1 < SUM_THRESHOLD) {
                double upper = Math.min(b2, SUM_THRESHOLD);
                stage2 += primeSum((long) b1, (long) upper, effN, logx);
                beta = Math.log(b2) / Math.log(upper);
            } else {
                beta = Math.log(b2) / logB1;
            }
            if (beta > 1.) {
                stage2 += mu(alpha, beta, effN, logx);
            }
        }
        double brsu = 0.;
        if (s < -1) {
            brsu = brentSuyama(b1, b2, effN, nr, -s * 2, true, asEcm);
        }
        if (s > 1) {
            brsu = brentSuyama(b1, b2, effN, nr, s * 2, false, asEcm);
        }
        double sum = stage1 + stage2 + brsu;
        return sum > 0. ? sum : 0.;
    }

    /** {@code dickmanmu_sum}: sum over primes B1 &lt; p &lt;= B2 of localrho((log x - log p)/log B1, x/p) / p. */
    private static double primeSum(long b1, long b2, double x, double logx) {
        double s = 0.;
        double invLogB1 = 1. / Math.log(b1);
        int from = firstPrimeIndexAbove(b1);
        for (int i = from; i < PRIMES.length && PRIMES[i] <= b2; i++) {
            s += DickmanRho.local((logx - LOG_PRIMES[i]) * invLogB1, x / PRIMES[i]) / PRIMES[i];
        }
        return s;
    }

    private static int firstPrimeIndexAbove(long b1) {
        int lo = 0;
        int hi = PRIMES.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (PRIMES[mid] <= b1) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** {@code dickmanmu}: one prime in the stage-2 range, trapezoid rule on the grid plus two end slivers. */
    private static double mu(double alpha, double beta, double x, double logx) {
        int ai = (int) Math.ceil((alpha - beta) * INVH);
        if (ai > SIZE) {
            ai = SIZE;
        }
        double a = (double) ai * H;
        int bi = (int) Math.floor((alpha - 1.) * INVH);
        if (bi > SIZE) {
            bi = SIZE;
        }
        double b = (double) bi * H;
        double sum = 0.;
        for (int i = ai + 1; i < bi; i++) {
            sum += DickmanRho.localGrid(i, logx) / (alpha - i * H);
        }
        sum += 0.5 * DickmanRho.localGrid(ai, logx) / (alpha - a);
        sum += 0.5 * DickmanRho.localGrid(bi, logx) / (alpha - b);
        sum *= H;
        sum += (a - alpha + beta) * 0.5 * (DickmanRho.localGrid(ai, logx) / (alpha - a)
                + DickmanRho.local(alpha - beta, x) / beta);
        sum += (alpha - 1. - b) * 0.5 * (DickmanRho.local(alpha - 1., x) + DickmanRho.localGrid(bi, logx) / (alpha - b));
        return sum;
    }

    /**
     * {@code brsudickson} (dickson) or {@code brsupower}: the mean of {@code brentsuyama} over the residue classes
     * of the largest prime modulo e, each with its own count of effective random trials.
     */
    private static double brentSuyama(double b1, double b2, double x, double nr, int e, boolean dickson,
            boolean asEcm) {
        // the shared part of brentsuyama(B1, B2, N, nr): everything but nr
        double logB1 = Math.log(b1);
        double alpha = Math.log(x) / logB1;
        double beta = Math.log(b2) / logB1;
        double logx = Math.log(x);
        int ai = (int) Math.floor((alpha - beta) * INVH);
        if (ai > SIZE) {
            ai = SIZE;
        }
        double a = (double) ai * H;
        // each residue class's count of effective random trials, nr * (...) as in brsudickson / brsupower
        double[] classes = new double[e];
        int count = 0;
        int f;
        if (dickson) {
            f = eulerPhi(e) / 2;
            for (int i = 1; i <= e / 2; i++) {
                if (gcd(i, e) == 1) {
                    classes[count++] = nr * (gcd(i - 1, e) + gcd(i + 1, e) - 4) / 2;
                }
            }
        } else {
            f = eulerPhi(e);
            for (int i = 1; i < e; i++) {
                if (gcd(i, e) == 1) {
                    classes[count++] = nr * (gcd(i - 1, e) - 2);
                }
            }
        }
        double maxTrials = 0;
        for (int c = 0; c < count; c++) {
            maxTrials = Math.max(maxTrials, Math.abs(classes[c]));
        }
        // grid points below first add exactly 0 for every class (|n B1^(ih - alpha)| < 2^-60, so exp rounds to 1)
        int first = maxTrials == 0 ? ai
                : Math.max(1, (int) Math.floor(INVH * (alpha + Math.log(NEGLIGIBLE / maxTrials) / logB1)) - 2);
        int points = Math.max(ai - first, 0);
        double[] weight = new double[points];
        double[] power = new double[points];
        // pow(B1, -alpha + ih) in rho.c: here exp(y log B1) every 64 points and a geometric step in between, which is
        // accurate to 1e-14 and many times faster
        double step = Math.exp(H * logB1);
        for (int k = 0; k < points; k++) {
            int i = first + k;
            weight[k] = DickmanRho.localGrid(i, logx) / (alpha - i * H);
            power[k] = (k & 63) == 0 ? Math.exp((-alpha + i * H) * logB1) : power[k - 1] * step;
        }
        double powAlpha = Math.pow(b1, alpha);
        double lastLocal = DickmanRho.localGrid(ai, logx);
        double lastHalfWeight = 0.5 * lastLocal / (alpha - a);
        double lastPower = Math.pow(b1, (-alpha + a));
        // the last sliver has no (1 - exp(...)) factor in rho.c
        double sliver = 0.5 * (alpha - beta - a) * (lastLocal / (alpha - a) + DickmanRho.local(alpha - beta, x) / beta);

        double sum = 0;
        double[] term = new double[count];
        for (int c = 0; c < count; c++) {
            // classes with the same count of trials have the same term; compute it once
            int same = 0;
            while (classes[same] != classes[c]) {
                same++;
            }
            term[c] = same < c ? term[same]
                    : classTerm(classes[c], weight, power, powAlpha, lastHalfWeight, lastPower, sliver, asEcm);
            sum += term[c];
        }
        return sum / (double) f;
    }

    /** {@code brentsuyama} for one class, nr = n, from the precomputed shared terms. */
    private static double classTerm(double n, double[] weight, double[] power, double powAlpha,
            double lastHalfWeight, double lastPower, double sliver, boolean asEcm) {
        double sum = 0.;
        for (int i = 0; i < weight.length; i++) {
            double x = n * power[i];
            // the same sum without calling exp where 1 - exp(-x) is exactly 0 or exactly 1 in doubles
            if (Math.abs(x) < NEGLIGIBLE) {
                continue;
            }
            if (x > SATURATED) {
                sum += weight[i];
            } else if (!asEcm && x >= 0 && x < SERIES) {
                sum += weight[i] * (x * (1 - 0.5 * x));
            } else {
                sum += weight[i] * (1 - Math.exp(-x));
            }
        }
        sum += 0.5 * (1 - Math.exp(-n / powAlpha));
        sum += lastHalfWeight * (1 - Math.exp(-n * lastPower));
        sum *= H;
        sum += sliver;
        return sum;
    }

    static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    static int eulerPhi(int n) {
        return (int) Stage2Plan.eulerPhi(n);
    }
}
