package org.ecmpipe.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.ecmpipe.server.BoundedPrimality.Verdict;

/** The factor bookkeeping does not depend on the order factors arrive, and composite factors split. */
class FactorBookTest {
    private static final int[] PRIMES = {3, 5, 7, 11, 13, 101, 65537, 1_000_003};

    /** Random N = product of prime powers; random products of its prime powers as the known factors. */
    @Property(tries = 300)
    void sameStateInAnyOrderAndTheCofactorIsWhatIsLeft(@ForAll long seed, @ForAll @IntRange(min = 1, max = 6) int known) {
        Random random = new Random(seed);
        List<BigInteger> primes = new ArrayList<>();
        BigInteger n = BigInteger.ONE;
        for (int p : PRIMES) {
            if (random.nextBoolean()) {
                int e = 1 + random.nextInt(3);
                primes.add(BigInteger.valueOf(p));
                n = n.multiply(BigInteger.valueOf(p).pow(e));
            }
        }
        if (primes.size() < 2) {
            return;
        }
        List<BigInteger> factors = new ArrayList<>();
        for (int i = 0; i < known; i++) {
            BigInteger f = BigInteger.ONE;
            for (BigInteger p : primes) {
                if (random.nextInt(3) == 0) {
                    f = f.multiply(p.pow(1 + random.nextInt(2)));
                }
            }
            if (n.mod(f).signum() == 0) {
                factors.add(f);
            }
        }
        Map<BigInteger, Verdict> verdicts = new HashMap<>();
        FactorBook.State first = settle(n, factors, verdicts);
        List<BigInteger> shuffled = new ArrayList<>(factors);
        Collections.shuffle(shuffled, random);
        FactorBook.State second = settle(n, shuffled, verdicts);
        assertThat(second).isEqualTo(first);
        // pairwise coprime, each dividing N, and N = cofactor * product of base powers
        BigInteger rest = n;
        for (BigInteger b : first.base()) {
            assertThat(n.mod(b).signum()).isZero();
            for (BigInteger c : first.base()) {
                assertThat(b.equals(c) || b.gcd(c).equals(BigInteger.ONE)).isTrue();
            }
            while (rest.mod(b).signum() == 0) {
                rest = rest.divide(b);
            }
            assertThat(first.cofactor().gcd(b)).isEqualTo(BigInteger.ONE);
        }
        assertThat(rest).isEqualTo(first.cofactor());
        boolean allPrime = first.base().stream().allMatch(b -> b.isProbablePrime(30))
                && (first.cofactor().equals(BigInteger.ONE) || first.cofactor().isProbablePrime(30));
        assertThat(first.fullyFactored()).isEqualTo(allPrime);
    }

    /** Runs the book, supplying the verdicts it asks for, as the server does. */
    private static FactorBook.State settle(BigInteger n, List<BigInteger> factors, Map<BigInteger, Verdict> verdicts) {
        while (true) {
            FactorBook.State s = FactorBook.of(n, factors, verdicts);
            if (s.missing().isEmpty()) {
                return s;
            }
            s.missing().forEach(m -> verdicts.put(m, m.isProbablePrime(30) ? Verdict.PRIME : Verdict.COMPOSITE));
        }
    }

    @Property(tries = 1)
    void aCompositeFactorSplitsAgainstAKnownPrime() {
        BigInteger p = BigInteger.valueOf(101);
        BigInteger q = BigInteger.valueOf(65537);
        BigInteger r = BigInteger.valueOf(1_000_003);
        FactorBook.State s = settle(p.multiply(q).multiply(r), List.of(p.multiply(q), q), new HashMap<>());
        assertThat(s.base()).containsExactly(p, q);
        assertThat(s.cofactor()).isEqualTo(r);
        assertThat(s.fullyFactored()).isTrue();
    }

    @Property(tries = 1)
    void highPowersSettleInOneStepEach() {
        BigInteger n = BigInteger.TWO.pow(60_000).multiply(BigInteger.valueOf(3).pow(5));
        FactorBook.State s = settle(n, List.of(BigInteger.TWO.pow(59_999), BigInteger.TWO, BigInteger.valueOf(9)), new HashMap<>());
        assertThat(s.base()).containsExactly(BigInteger.TWO, BigInteger.valueOf(3));
        assertThat(s.cofactor()).isEqualTo(BigInteger.ONE);
        assertThat(s.fullyFactored()).isTrue();
    }
}
