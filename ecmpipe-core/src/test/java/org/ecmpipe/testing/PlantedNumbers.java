package org.ecmpipe.testing;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Test numbers with planted factors: products of random primes of chosen sizes, reproducible from a seed, so a
 * test knows what ECM must find.
 */
public final class PlantedNumbers {
    private PlantedNumbers() {
    }

    /** A random prime of exactly {@code digits} decimal digits. */
    public static BigInteger prime(Random random, int digits) {
        BigInteger low = BigInteger.TEN.pow(digits - 1);
        BigInteger span = BigInteger.TEN.pow(digits).subtract(low);
        while (true) {
            BigInteger candidate = low.add(new BigInteger(span.bitLength() + 8, random).mod(span));
            BigInteger p = candidate.nextProbablePrime();
            if (p.toString().length() == digits) {
                return p;
            }
        }
    }

    /** A number with prime factors of the given sizes. */
    public static Planted planted(long seed, int... digits) {
        Random random = new Random(seed);
        List<BigInteger> primes = new ArrayList<>();
        BigInteger n = BigInteger.ONE;
        for (int d : digits) {
            BigInteger p = prime(random, d);
            primes.add(p);
            n = n.multiply(p);
        }
        return new Planted(n, primes);
    }

    public record Planted(BigInteger n, List<BigInteger> primes) {
        public BigInteger smallest() {
            return primes.stream().min(BigInteger::compareTo).orElseThrow();
        }
    }
}
