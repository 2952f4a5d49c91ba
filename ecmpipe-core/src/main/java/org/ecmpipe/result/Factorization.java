package org.ecmpipe.result;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.ecmpipe.composite.Primality;
import org.ecmpipe.ecm.Sigma;

/**
 * What is known of one composite's factors. Every candidate factor is checked to divide the composite; factors
 * are kept pairwise coprime (a composite factor is split when a later factor shares a part of it), and the
 * cofactor is the composite with every known factor divided out. Not thread-safe: one owner per composite.
 */
public final class Factorization {

    /** Why a reported factor was not taken. */
    public enum Outcome { NEW, KNOWN, NOT_A_DIVISOR, TRIVIAL }

    private final BigInteger composite;
    private final List<Factor> factors = new ArrayList<>();
    private BigInteger cofactor;

    public Factorization(BigInteger composite) {
        if (composite.compareTo(BigInteger.ONE) <= 0) {
            throw new IllegalArgumentException("composite must be > 1");
        }
        this.composite = composite;
        this.cofactor = composite;
    }

    public BigInteger composite() {
        return composite;
    }

    /**
     * Records a factor reported by an engine.
     *
     * @return {@link Outcome#NEW} when it taught us something, {@link Outcome#KNOWN} when it did not,
     *     {@link Outcome#NOT_A_DIVISOR} or {@link Outcome#TRIVIAL} when it is rejected (1, or the composite itself)
     */
    public Outcome add(BigInteger candidate, int stage, Sigma sigma) {
        Objects.requireNonNull(candidate, "candidate");
        BigInteger f = candidate.abs();
        if (f.signum() == 0 || composite.mod(f).signum() != 0) {
            return Outcome.NOT_A_DIVISOR;
        }
        if (f.equals(BigInteger.ONE) || f.equals(composite)) {
            return Outcome.TRIVIAL;
        }
        boolean learned = splitKnownFactors(f);
        BigInteger g = cofactor.gcd(f);
        // g == cofactor: the remaining cofactor itself was "found", which teaches nothing
        if (!g.equals(BigInteger.ONE) && !g.equals(cofactor)) {
            takeOutOfCofactor(g, stage, sigma);
            learned = true;
        }
        return learned ? Outcome.NEW : Outcome.KNOWN;
    }

    /** Splits any known composite factor that {@code f} cuts in two. */
    private boolean splitKnownFactors(BigInteger f) {
        boolean split = false;
        for (int i = 0; i < factors.size(); i++) {
            Factor known = factors.get(i);
            BigInteger d = known.factor().gcd(f);
            if (!d.equals(BigInteger.ONE) && !d.equals(known.factor())) {
                BigInteger rest = known.factor().divide(d);
                factors.set(i, new Factor(d, Primality.isPrime(d), known.stage(), known.sigma(), known.exponent()));
                factors.add(i + 1, new Factor(rest, Primality.isPrime(rest), known.stage(), known.sigma(), known.exponent()));
                split = true;
            }
        }
        return split;
    }

    private void takeOutOfCofactor(BigInteger g, int stage, Sigma sigma) {
        int exponent = 0;
        while (cofactor.mod(g).signum() == 0) {
            cofactor = cofactor.divide(g);
            exponent++;
        }
        factors.add(new Factor(g, Primality.isPrime(g), stage, sigma, exponent));
        // g may share a further part with what is left (g = p*q, cofactor still divisible by p)
        BigInteger again = cofactor.gcd(g);
        if (!again.equals(BigInteger.ONE)) {
            add(again, stage, sigma);
        }
    }

    /** Known factors, smallest first. */
    public List<Factor> factors() {
        List<Factor> sorted = new ArrayList<>(factors);
        sorted.sort(Comparator.comparing(Factor::factor));
        return List.copyOf(sorted);
    }

    public BigInteger cofactor() {
        return cofactor;
    }

    /** True when the cofactor is 1 or prime and every factor is prime. */
    public boolean isComplete() {
        return cofactorIsPrime() && factors.stream().allMatch(Factor::prime);
    }

    public boolean cofactorIsPrime() {
        return cofactor.equals(BigInteger.ONE) || Primality.isPrime(cofactor);
    }
}
