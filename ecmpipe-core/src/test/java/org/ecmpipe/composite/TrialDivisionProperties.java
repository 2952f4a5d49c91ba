package org.ecmpipe.composite;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Trial division on machine words finds what dividing by each prime as a BigInteger finds. */
class TrialDivisionProperties {

    private static final TrialDivision TRIAL = new TrialDivision(TrialDivision.DEFAULT_LIMIT);

    @Property(tries = 300)
    void sameFactorsAndCofactorAsBigIntegerDivision(@ForAll @Size(max = 6) List<@IntRange(min = 0, max = 9591) Integer> smallPrimeIndexes,
                                                    @ForAll @IntRange(min = 1, max = 60) int restDigits,
                                                    @ForAll long seed) {
        int[] primes = SmallPrimes.upTo(TrialDivision.DEFAULT_LIMIT);
        BigInteger rest = BigInteger.TEN.pow(restDigits - 1).add(BigInteger.valueOf(seed).abs());
        BigInteger n = rest;
        for (int i : smallPrimeIndexes) {
            n = n.multiply(BigInteger.valueOf(primes[i]));
        }
        TrialDivision.Result r = TRIAL.divide(n);
        TrialDivision.Result expected = naive(n, primes);
        assertThat(r.factors()).isEqualTo(expected.factors());
        assertThat(r.cofactor()).isEqualTo(expected.cofactor());
    }

    @Property(tries = 200)
    void wordsModuloAPrimeIsTheBigIntegerRemainder(@ForAll @IntRange(min = 1, max = 400) int digits, @ForAll long seed,
                                                   @ForAll @IntRange(min = 2, max = 99991) int p) {
        BigInteger n = BigInteger.TEN.pow(digits - 1).add(BigInteger.valueOf(seed).abs());
        assertThat(TrialDivision.remainder(TrialDivision.words(n), p)).isEqualTo(n.mod(BigInteger.valueOf(p)).longValue());
    }

    /** The plain algorithm TrialDivision had before, a BigInteger mod per prime. */
    private static TrialDivision.Result naive(BigInteger n, int[] primes) {
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
        if (rest.compareTo(BigInteger.ONE) > 0 && rest.bitLength() < 31 && rest.intValue() <= primes[primes.length - 1]) {
            factors.merge(rest, 1, Integer::sum);
            rest = BigInteger.ONE;
        }
        return new TrialDivision.Result(factors, rest);
    }
}
