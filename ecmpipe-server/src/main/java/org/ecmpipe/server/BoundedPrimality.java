package org.ecmpipe.server;

import java.math.BigInteger;
import java.util.SplittableRandom;
import java.util.concurrent.Semaphore;
import java.util.function.LongSupplier;
import org.ecmpipe.composite.Primality;

/**
 * Primality checks whose cost a client cannot inflate. Numbers up to {@link #INLINE_BITS} bits get the full test
 * of {@link Primality} (tens of milliseconds) while the request's deadline has not passed. Larger ones get Miller-Rabin rounds computed step by step, so that
 * the check stops at the request's deadline with {@link Verdict#UNKNOWN}; at most {@code permits} such checks run
 * at once in this process, and a request that finds none free gets UNKNOWN at once.
 */
final class BoundedPrimality {

    /** Prime, composite, or not decided within the budget. */
    enum Verdict {
        PRIME, COMPOSITE, UNKNOWN;

        /** The value of the {@code prime} column: true, false or NULL. */
        Boolean column() {
            return this == UNKNOWN ? null : this == PRIME;
        }

        static Verdict ofColumn(Boolean prime) {
            return prime == null ? UNKNOWN : prime ? PRIME : COMPOSITE;
        }
    }

    static final int INLINE_BITS = 3000;
    private static final int ROUNDS = 3;
    private static final int[] SMALL_PRIMES = java.util.stream.IntStream.rangeClosed(3, 10_000)
            .filter(i -> BigInteger.valueOf(i).isProbablePrime(30)).toArray();

    private final Semaphore large;
    private final LongSupplier nanoTime;

    BoundedPrimality(int permits, LongSupplier nanoTime) {
        this.large = new Semaphore(Math.max(1, permits));
        this.nanoTime = nanoTime;
    }

    /** @param deadline a {@code nanoTime} value past which the answer is UNKNOWN */
    Verdict check(BigInteger n, long deadline) {
        if (n.bitLength() > 64 && nanoTime.getAsLong() - deadline >= 0) {
            return Verdict.UNKNOWN; // the request's budget is spent (many factors in one submission)
        }
        if (n.bitLength() <= INLINE_BITS) {
            return Primality.isPrime(n) ? Verdict.PRIME : Verdict.COMPOSITE;
        }
        if (!n.testBit(0)) {
            return Verdict.COMPOSITE;
        }
        for (int p : SMALL_PRIMES) {
            if (n.mod(BigInteger.valueOf(p)).signum() == 0) {
                return Verdict.COMPOSITE;
            }
        }
        if (!large.tryAcquire()) {
            return Verdict.UNKNOWN;
        }
        try {
            return millerRabin(n, deadline);
        } finally {
            large.release();
        }
    }

    private Verdict millerRabin(BigInteger n, long deadline) {
        BigInteger minusOne = n.subtract(BigInteger.ONE);
        int s = minusOne.getLowestSetBit();
        BigInteger d = minusOne.shiftRight(s);
        SplittableRandom random = new SplittableRandom(n.hashCode());
        for (int round = 0; round < ROUNDS; round++) {
            BigInteger a = round == 0 ? BigInteger.TWO : BigInteger.valueOf(3 + random.nextLong(1L << 40));
            BigInteger x = BigInteger.ONE;
            for (int i = d.bitLength() - 1; i >= 0; i--) {
                if (nanoTime.getAsLong() - deadline >= 0) {
                    return Verdict.UNKNOWN;
                }
                x = x.multiply(x).mod(n);
                if (d.testBit(i)) {
                    x = x.multiply(a).mod(n);
                }
            }
            if (x.equals(BigInteger.ONE) || x.equals(minusOne)) {
                continue;
            }
            boolean witness = true;
            for (int r = 1; r < s; r++) {
                if (nanoTime.getAsLong() - deadline >= 0) {
                    return Verdict.UNKNOWN;
                }
                x = x.multiply(x).mod(n);
                if (x.equals(minusOne)) {
                    witness = false;
                    break;
                }
            }
            if (witness) {
                return Verdict.COMPOSITE;
            }
        }
        return Verdict.PRIME;
    }
}
