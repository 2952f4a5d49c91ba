package org.ecmpipe.residue;

import java.math.BigInteger;

/**
 * GMP-ECM's save-file checksum ({@code write_resumefile_line} / {@code read_resumefile_line} in resume.c):
 * the product of B1, SIGMA (or A), PARAM+1 (only when PARAM is written), N, X (and Z when present), each
 * reduced modulo the prime 2^32 - 5.
 */
public final class ResidueChecksum {
    static final BigInteger MODULUS = BigInteger.valueOf(4294967291L);

    private ResidueChecksum() {
    }

    /**
     * @param param the PARAM field as written, or null when the line has none (the factor is then 1)
     * @param sigmaOrA SIGMA, or A for curves given by their coefficient
     * @param z the Z field, or null
     */
    public static long compute(long b1, BigInteger sigmaOrA, Integer param, BigInteger n, BigInteger x, BigInteger z) {
        BigInteger c = BigInteger.valueOf(b1).mod(MODULUS);
        c = c.multiply(sigmaOrA.mod(MODULUS)).mod(MODULUS);
        if (param != null) {
            c = c.multiply(BigInteger.valueOf(param + 1L).mod(MODULUS)).mod(MODULUS);
        }
        c = c.multiply(n.mod(MODULUS)).mod(MODULUS);
        c = c.multiply(x.mod(MODULUS)).mod(MODULUS);
        if (z != null) {
            c = c.multiply(z.mod(MODULUS)).mod(MODULUS);
        }
        return c.longValueExact();
    }
}
