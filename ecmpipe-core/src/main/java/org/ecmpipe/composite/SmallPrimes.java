package org.ecmpipe.composite;

import java.util.Arrays;
import java.util.BitSet;

/** Sieve of Eratosthenes for the small primes used by trial division and primorials. */
public final class SmallPrimes {
    private SmallPrimes() {
    }

    /** All primes p with p &lt;= limit, ascending. */
    public static int[] upTo(int limit) {
        if (limit < 2) {
            return new int[0];
        }
        BitSet composite = new BitSet(limit + 1);
        int[] primes = new int[Math.max(16, (int) (1.3 * limit / Math.log(limit)) + 16)];
        int count = 0;
        for (int i = 2; i <= limit; i++) {
            if (!composite.get(i)) {
                if (count == primes.length) {
                    primes = Arrays.copyOf(primes, count * 2);
                }
                primes[count++] = i;
                for (long j = (long) i * i; j <= limit; j += i) {
                    composite.set((int) j);
                }
            }
        }
        return Arrays.copyOf(primes, count);
    }
}
