package org.ecmpipe.composite;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;

/** Takes the small prime factors out of a number before ECM ("stage 0"). */
public final class TrialDivision {

    /** Primes below this bound are tried. */
    public static final int DEFAULT_LIMIT = 100_000;

    /**
     * @param factors each small prime with its exponent, ascending
     * @param cofactor what is left (1 when the number was fully factored)
     */
    public record Result(Map<BigInteger, Integer> factors, BigInteger cofactor) {
        public Result {
            factors = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(factors));
        }
    }

    private final int[] primes;

    public TrialDivision(int limit) {
        this.primes = SmallPrimes.upTo(limit);
    }

    public Result divide(BigInteger n) {
        Map<BigInteger, Integer> factors = new LinkedHashMap<>();
        BigInteger rest = n;
        for (int p : primes) {
            BigInteger bp = BigInteger.valueOf(p);
            if (bp.multiply(bp).compareTo(rest) > 0) {
                break;
            }
            int exponent = 0;
            while (rest.mod(bp).signum() == 0) {
                rest = rest.divide(bp);
                exponent++;
            }
            if (exponent > 0) {
                factors.put(bp, exponent);
            }
        }
        // what is left below p^2 for the last prime tried is 1 or prime
        if (rest.compareTo(BigInteger.ONE) > 0 && rest.bitLength() < 31 && rest.intValue() <= primes[primes.length - 1]) {
            factors.merge(rest, 1, Integer::sum);
            rest = BigInteger.ONE;
        }
        return new Result(factors, rest);
    }
}
