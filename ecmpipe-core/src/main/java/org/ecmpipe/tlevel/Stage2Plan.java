package org.ecmpipe.tlevel;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * The stage-2 parameters GMP-ECM chooses for one (B1, B2) before it prints its expected-curve table:
 * {@code set_stage_2_params} and {@code choose_S} of ecm.c and {@code bestD} of bestd.c, with B2min = B1 and
 * no {@code -k}, {@code -maxmem}, {@code -treefile}, {@code -power} or {@code -dickson}.
 *
 * @param printedB2 the B2 on ecm's "Using B1=..., B2=..." line and fed to the probability formula: the planner's
 *        enlarged B2' when B2 was defaulted, the user's B2 when it was given
 * @param effectiveB2 B2', the bound stage 2 really covers (0 without stage 2)
 * @param dF number of roots per block (0 without stage 2)
 * @param k number of blocks (0 without stage 2)
 * @param s Brent-Suyama polynomial: 1 x^1, 2 x^2, -n Dickson(n)
 */
record Stage2Plan(BigInteger printedB2, BigInteger effectiveB2, long dF, long k, int s) {

    private static final double ECM_COST = 11.0 / 6.0;
    private static final double DEFAULT_B2_EXPONENT = 1.43;

    /** bestd.c's d1 candidates with increasing eulerphi(d1)/2 when dF need not be a power of two. */
    private static final long[] D1 = {12, 18, 30, 42, 60, 90, 120, 150, 210, 240, 270, 330, 420, 510, 630, 840, 1050,
            1260, 1470, 1680, 1890, 2310, 2730, 3150, 3570, 3990, 4620, 5460, 6090, 6930, 8190, 9240, 10920, 12180,
            13860, 16170, 18480, 20790, 23100, 30030, 34650, 39270, 43890, 48510, 60060, 66990, 78540, 90090, 99330,
            120120, 133980, 150150, 180180, 210210, 240240, 270270, 300300, 334950, 371280, 420420, 510510, 570570,
            600600, 630630, 746130, 870870, 1021020, 1141140, 1291290, 1531530, 1711710, 1891890, 2081310, 2312310,
            2552550, 2852850, 3183180, 3573570, 3993990, 4594590, 5105100, 5705700, 6322470, 7147140, 7987980, 8978970,
            10210200, 11741730, 13123110, 14804790, 16546530, 19399380, 21411390, 23993970, 26816790, 29609580,
            33093060, 36606570, 40330290, 44414370, 49639590, 54624570, 60090030, 67897830, 77597520, 87297210,
            96996900, 107056950, 118107990};
    /** bestd.c's d1 candidates when dF is rounded up to a power of two (NTT). */
    private static final long[] D1_PO2 = {12, 30, 60, 120, 240, 510, 1020, 2310, 4620, 9240, 19110, 39270, 79170,
            158340, 324870, 690690, 1345890, 2852850, 5705700, 11741730, 23130030, 48498450, 96996900};

    /** The B2 ecm asks the planner for when none is given: trunc((11/6 * B1)^1.43). */
    static BigInteger requestedDefaultB2(long b1) {
        return new BigDecimal(Math.pow(ECM_COST * (double) b1, DEFAULT_B2_EXPONENT)).toBigInteger();
    }

    /**
     * Plans stage 2 as ecm does.
     *
     * @param b1 stage-1 bound (also B2min)
     * @param b2 the user's B2, or null for ecm's default
     * @param po2 whether dF is a power of two: ecm's NTT mode, on by default for numbers below 2^1920
     * @throws IllegalArgumentException where ecm stops with "stage 2 interval too large"
     */
    static Stage2Plan of(long b1, BigInteger b2, boolean po2) {
        BigInteger requested = b2 == null ? requestedDefaultB2(b1) : b2;
        BigInteger b2min = BigInteger.valueOf(b1);
        if (requested.compareTo(b2min) < 0) {
            // no stage 2; S from B2 - B2min < 0 is x^1
            return new Stage2Plan(requested, BigInteger.ZERO, 0, 0, 1);
        }
        long[] list = po2 ? D1_PO2 : D1;
        long d1 = 0;
        long d2 = 0;
        long dF = 0;
        BigInteger i0 = null;
        BigInteger blocks = null;
        for (int i = 0; i < list.length; i++) {
            d1 = list[i];
            long phid = eulerPhi(d1) / 2;
            dF = po2 ? 1L << ceilLog2(phid) : phid;
            // smallest prime 5 <= d2 < 25 that does not divide d1
            for (d2 = 5; d2 < 25; d2 += 2) {
                if (d2 % 3 == 0) {
                    continue;
                }
                if (d1 % d2 > 0) {
                    break;
                }
            }
            if (d2 >= 25 || d2 - 1 > dF) {
                d2 = 1;
            }
            BigInteger offset = BigInteger.valueOf((d1 - 1) * d2);
            BigInteger bd1 = BigInteger.valueOf(d1);
            i0 = ceilDiv(b2min.subtract(offset), bd1);
            BigInteger i1 = floorDiv(requested.add(offset), bd1);
            BigInteger roots = i1.subtract(i0).add(BigInteger.ONE);
            if (d2 > 1) {
                BigInteger bd2 = BigInteger.valueOf(d2);
                roots = roots.subtract(floorDiv(i1, bd2)).add(floorDiv(i0, bd2));
            }
            blocks = ceilDiv(roots, BigInteger.valueOf(dF));
            if (blocks.compareTo(BigInteger.valueOf(po2 ? 6 : 2)) <= 0) {
                break;
            }
        }
        if (blocks.bitLength() > 63) {
            // ecm gives up above 2^64 - 1 blocks ("stage 2 interval too large"); we already do above 2^63 - 1
            throw new IllegalArgumentException("B2=" + requested + " is too large: stage 2 interval too large");
        }
        long k = blocks.longValue();
        BigInteger j = blocks.multiply(BigInteger.valueOf(dF));
        BigInteger i1;
        if (d2 == 1) {
            i1 = i0.add(j).subtract(BigInteger.ONE);
        } else {
            BigInteger bd2 = BigInteger.valueOf(d2);
            j = j.add(i0).subtract(ceilDiv(i0, bd2));
            BigInteger[] qr = floorDivMod(j, BigInteger.valueOf(d2 - 1));
            i1 = qr[0].multiply(bd2).add(qr[1]);
        }
        BigInteger effective = i1.subtract(BigInteger.valueOf(d2 - 1)).multiply(BigInteger.valueOf(d1))
                .add(BigInteger.valueOf(d2 - 1));
        int s = chooseS(effective.subtract(b2min));
        return new Stage2Plan(b2 == null ? effective : b2, effective, dF, k, s);
    }

    /** {@code choose_S} of ecm.c, from B2' - B2min. */
    static int chooseS(BigInteger length) {
        // mpz_cmp_d compares exactly, and the thresholds are integers
        if (length.compareTo(BigInteger.valueOf(10_000_000L)) < 0) {
            return 1;
        } else if (length.compareTo(BigInteger.valueOf(100_000_000L)) < 0) {
            return 2;
        } else if (length.compareTo(BigInteger.valueOf(1_000_000_000L)) < 0) {
            return -3;
        } else if (length.compareTo(BigInteger.valueOf(10_000_000_000L)) < 0) {
            return -6;
        } else if (length.compareTo(BigInteger.valueOf(300_000_000_000L)) < 0) {
            return -12;
        }
        return -30;
    }

    /** nr = dF^2 * k, as the double ecm passes to ecmprob. */
    double nr() {
        return (double) dF * dF * k;
    }

    /** The printed B2 as ecm hands it to ecmprob: {@code mpz_get_d}, which truncates. */
    double printedB2AsDouble() {
        return truncatingDouble(printedB2);
    }

    static double truncatingDouble(BigInteger n) {
        int excess = n.bitLength() - 53;
        if (excess <= 0) {
            return n.doubleValue();
        }
        return Math.scalb(n.shiftRight(excess).doubleValue(), excess);
    }

    /** Euler's phi (ecm's {@code eulerphi}); one copy for the planner and the probability model. */
    static long eulerPhi(long n) {
        long phi = 1;
        for (long p = 2; p * p <= n; p += (p == 2 ? 1 : 2)) {
            if (n % p == 0) {
                phi *= p - 1;
                n /= p;
                while (n % p == 0) {
                    phi *= p;
                    n /= p;
                }
            }
        }
        return n == 1 ? phi : phi * (n - 1);
    }

    private static int ceilLog2(long n) {
        return n <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(n - 1);
    }

    private static BigInteger floorDiv(BigInteger a, BigInteger b) {
        return floorDivMod(a, b)[0];
    }

    private static BigInteger[] floorDivMod(BigInteger a, BigInteger b) {
        BigInteger[] qr = a.divideAndRemainder(b);
        if (qr[1].signum() < 0) {
            qr[0] = qr[0].subtract(BigInteger.ONE);
            qr[1] = qr[1].add(b);
        }
        return qr;
    }

    private static BigInteger ceilDiv(BigInteger a, BigInteger b) {
        BigInteger[] qr = a.divideAndRemainder(b);
        return qr[1].signum() > 0 ? qr[0].add(BigInteger.ONE) : qr[0];
    }
}
