package org.ecmpipe.composite;

import java.math.BigInteger;

/**
 * Our own primality decision: GMP-ECM's "prime factor" wording is never trusted. {@link BigInteger#isProbablePrime}
 * runs Miller-Rabin rounds plus a Lucas test for large inputs, i.e. a BPSW-strength check.
 */
public final class Primality {
    private static final int CERTAINTY = 100;

    private Primality() {
    }

    public static boolean isPrime(BigInteger n) {
        return n.compareTo(BigInteger.ONE) > 0 && n.isProbablePrime(CERTAINTY);
    }
}
