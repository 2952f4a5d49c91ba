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
    /** Whether {@link #cofactor} is prime, once asked (a primality test per question was a steady per-number cost). */
    private Boolean cofactorPrime;

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
                if (rest.equals(d)) { // known was d^2
                    factors.set(i, new Factor(d, Primality.isPrime(d), known.stage(), known.sigma(), 2 * known.exponent()));
                    split = true;
                    continue;
                }
                factors.set(i, new Factor(d, Primality.isPrime(d), known.stage(), known.sigma(), known.exponent()));
                factors.add(i + 1, new Factor(rest, Primality.isPrime(rest), known.stage(), known.sigma(), known.exponent()));
                split = true;
            }
        }
        return split;
    }

    private void takeOutOfCofactor(BigInteger found, int stage, Sigma sigma) {
        BigInteger g = perfectPowerBase(found);
        int exponent = 0;
        while (cofactor.mod(g).signum() == 0) {
            cofactor = cofactor.divide(g);
            cofactorPrime = null;
            exponent++;
        }
        factors.add(new Factor(g, Primality.isPrime(g), stage, sigma, exponent));
        // g may share a further part with what is left (g = p*q, cofactor still divisible by p)
        BigInteger again = cofactor.gcd(g);
        if (!again.equals(BigInteger.ONE)) {
            add(again, stage, sigma);
        }
    }

    /** The smallest b with b^k = n for some k >= 1. */
    static BigInteger perfectPowerBase(BigInteger n) {
        for (int k = n.bitLength(); k >= 2; k--) {
            BigInteger root = root(n, k);
            if (root.compareTo(BigInteger.ONE) > 0 && root.pow(k).equals(n)) {
                return perfectPowerBase(root);
            }
        }
        return n;
    }

    /** floor(n^(1/k)) by Newton's method. */
    private static BigInteger root(BigInteger n, int k) {
        if (n.signum() == 0) {
            return n;
        }
        BigInteger kBig = BigInteger.valueOf(k);
        BigInteger x = BigInteger.ONE.shiftLeft(n.bitLength() / k + 1);
        while (true) {
            BigInteger y = x.multiply(kBig.subtract(BigInteger.ONE)).add(n.divide(x.pow(k - 1))).divide(kBig);
            if (y.compareTo(x) >= 0) {
                return x;
            }
            x = y;
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
        if (cofactorPrime == null) {
            cofactorPrime = cofactor.equals(BigInteger.ONE) || Primality.isPrime(cofactor);
        }
        return cofactorPrime;
    }
}
