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
        // each prime is tried on the number's 32-bit words with long arithmetic: a BigInteger mod per prime (about
        // 10,000 of them a number, run before the JIT has compiled them) was 0.12 CPU-s of start-up for 8 c80s
        int[] words = words(rest);
        for (int p : primes) {
            if (rest.bitLength() <= 34 && (long) p * p > rest.longValue()) {
                break; // p^2 < 2^34: it can only exceed what is left when that is small
            }
            if (remainder(words, p) != 0) {
                continue;
            }
            BigInteger bp = BigInteger.valueOf(p);
            int exponent = 0;
            while (rest.mod(bp).signum() == 0) {
                rest = rest.divide(bp);
                exponent++;
            }
            factors.put(bp, exponent);
            words = words(rest);
        }
        // what is left below p^2 for the last prime tried is 1 or prime
        if (rest.compareTo(BigInteger.ONE) > 0 && rest.bitLength() < 31 && rest.intValue() <= primes[primes.length - 1]) {
            factors.merge(rest, 1, Integer::sum);
            rest = BigInteger.ONE;
        }
        return new Result(factors, rest);
    }

    /** The words of a positive number's magnitude, most significant first. */
    static int[] words(BigInteger n) {
        byte[] bytes = n.toByteArray();
        int[] words = new int[(bytes.length + 3) / 4];
        for (int i = 0; i < bytes.length; i++) {
            int fromEnd = bytes.length - 1 - i;
            words[words.length - 1 - fromEnd / 4] |= (bytes[i] & 0xFF) << (8 * (fromEnd % 4));
        }
        return words;
    }

    /** The number given by {@code words} modulo {@code p} (p < 2^31). */
    static long remainder(int[] words, int p) {
        long r = 0;
        for (int w : words) {
            r = ((r << 32) | (w & 0xFFFF_FFFFL)) % p;
        }
        return r;
    }
}
