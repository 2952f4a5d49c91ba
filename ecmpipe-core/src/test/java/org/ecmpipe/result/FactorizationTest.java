package org.ecmpipe.result;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import org.ecmpipe.ecm.Sigma;
import org.junit.jupiter.api.Test;

class FactorizationTest {
    private static final BigInteger P = new BigInteger("935351532923");
    private static final BigInteger Q = new BigInteger("694054231308167");
    private static final BigInteger R = new BigInteger("3909165807099954745401733901978040965723");
    private static final BigInteger N = P.multiply(Q).multiply(R);

    @Test
    void verifiesAndRecordsFactors() {
        Factorization f = new Factorization(N);
        assertThat(f.add(P, 2, Sigma.of(3, 42))).isEqualTo(Factorization.Outcome.NEW);
        assertThat(f.add(P, 2, Sigma.of(3, 43))).isEqualTo(Factorization.Outcome.KNOWN);
        assertThat(f.add(BigInteger.valueOf(7), 2, null)).isEqualTo(Factorization.Outcome.NOT_A_DIVISOR);
        assertThat(f.add(N, 1, null)).isEqualTo(Factorization.Outcome.TRIVIAL);
        assertThat(f.factors()).singleElement().satisfies(x -> {
            assertThat(x.factor()).isEqualTo(P);
            assertThat(x.prime()).isTrue();
            assertThat(x.sigma()).isEqualTo(Sigma.of(3, 42));
        });
        assertThat(f.cofactor()).isEqualTo(Q.multiply(R));
        assertThat(f.cofactorIsPrime()).isFalse();
        // the remaining cofactor itself teaches nothing
        assertThat(f.add(Q.multiply(R), 2, null)).isEqualTo(Factorization.Outcome.KNOWN);
        assertThat(f.add(Q, 1, null)).isEqualTo(Factorization.Outcome.NEW);
        assertThat(f.cofactor()).isEqualTo(R);
        assertThat(f.isComplete()).isTrue();
    }

    @Test
    void splitsACompositeFactorWhenALaterFactorCutsIt() {
        Factorization f = new Factorization(N);
        assertThat(f.add(P.multiply(Q), 1, Sigma.of(3, 5))).isEqualTo(Factorization.Outcome.NEW);
        assertThat(f.factors()).singleElement().satisfies(x -> assertThat(x.prime()).isFalse());
        assertThat(f.add(Q, 2, Sigma.of(3, 6))).isEqualTo(Factorization.Outcome.NEW);
        assertThat(f.factors()).extracting(Factor::factor).containsExactly(P, Q);
        assertThat(f.factors()).allMatch(Factor::prime);
        assertThat(f.cofactor()).isEqualTo(R);
    }

    @Test
    void dividesOutRepeatedPrimes() {
        Factorization f = new Factorization(P.pow(3).multiply(R));
        assertThat(f.add(P.pow(2), 2, null)).isEqualTo(Factorization.Outcome.NEW);
        assertThat(f.cofactor()).isEqualTo(R);
        assertThat(f.factors()).singleElement().satisfies(x -> {
            assertThat(x.factor()).isEqualTo(P);
            assertThat(x.exponent()).isEqualTo(3);
        });
        assertThat(f.add(P, 2, null)).isEqualTo(Factorization.Outcome.KNOWN);
        assertThat(Factorization.perfectPowerBase(BigInteger.valueOf(3).pow(12))).isEqualTo(BigInteger.valueOf(3));
        assertThat(Factorization.perfectPowerBase(BigInteger.valueOf(12))).isEqualTo(BigInteger.valueOf(12));
    }
}
