package org.ecmpipe.server;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the known factors of N say, independent of the order they were found or read: the coprime base of the
 * factors (a composite factor is split by its gcds with the others and with the remaining cofactor), the cofactor
 * left after dividing every base element out of N as often as it divides, and whether N is fully factored.
 */
final class FactorBook {

    /**
     * @param base pairwise coprime factors of N, ascending
     * @param cofactor N with every base element divided out
     * @param missing numbers whose primality is needed but was not given
     */
    record State(List<BigInteger> base, BigInteger cofactor, boolean fullyFactored, Set<BigInteger> missing) {
    }

    private FactorBook() {
    }

    /**
     * @param n the composite
     * @param factors known factors, each dividing n (1 and n are ignored)
     * @param verdicts primality of numbers already checked
     */
    static State of(BigInteger n, Collection<BigInteger> factors, Map<BigInteger, BoundedPrimality.Verdict> verdicts) {
        Set<BigInteger> parts = new TreeSet<>();
        for (BigInteger f : factors) {
            if (f.compareTo(BigInteger.ONE) > 0 && !f.equals(n) && n.mod(f).signum() == 0) {
                parts.add(f);
            }
        }
        List<BigInteger> base = coprimeBase(parts);
        BigInteger cofactor = divideOut(n, base);
        // a base element sharing a factor with the cofactor (N = p^3, factor p^2) splits further
        while (true) {
            BigInteger shared = BigInteger.ONE;
            for (BigInteger b : base) {
                BigInteger g = b.gcd(cofactor);
                if (g.compareTo(BigInteger.ONE) > 0) {
                    shared = g;
                    break;
                }
            }
            if (shared.equals(BigInteger.ONE)) {
                break;
            }
            List<BigInteger> more = new ArrayList<>(base);
            more.add(shared);
            base = coprimeBase(more);
            cofactor = divideOut(n, base);
        }
        Set<BigInteger> missing = new LinkedHashSet<>();
        boolean complete = true;
        for (BigInteger b : base) {
            BoundedPrimality.Verdict v = verdicts.get(b);
            if (v == null) {
                missing.add(b);
            }
            complete &= v == BoundedPrimality.Verdict.PRIME;
        }
        if (!cofactor.equals(BigInteger.ONE)) {
            BoundedPrimality.Verdict v = verdicts.get(cofactor);
            if (v == null) {
                missing.add(cofactor);
            }
            complete &= v == BoundedPrimality.Verdict.PRIME;
        }
        return new State(base, cofactor, complete && missing.isEmpty(), missing);
    }

    /**
     * The coarsest pairwise coprime set whose products give every input: two members sharing g = gcd are replaced
     * by g and what is left of each after dividing g out as often as it divides (so 2^k and 2 settle in one step,
     * not k), until nothing shares.
     */
    static List<BigInteger> coprimeBase(Collection<BigInteger> numbers) {
        TreeSet<BigInteger> set = new TreeSet<>(numbers);
        set.remove(BigInteger.ONE);
        boolean changed = true;
        while (changed) {
            changed = false;
            List<BigInteger> list = new ArrayList<>(set);
            search:
            for (int i = 0; i < list.size(); i++) {
                for (int j = i + 1; j < list.size(); j++) {
                    BigInteger a = list.get(i);
                    BigInteger b = list.get(j);
                    BigInteger g = a.gcd(b);
                    if (g.compareTo(BigInteger.ONE) > 0) {
                        set.remove(a);
                        set.remove(b);
                        for (BigInteger x : List.of(g, strip(a, g), strip(b, g))) {
                            if (x.compareTo(BigInteger.ONE) > 0) {
                                set.add(x);
                            }
                        }
                        changed = true;
                        break search;
                    }
                }
            }
        }
        return List.copyOf(set);
    }

    /** {@code a} with every factor {@code g} divided out. */
    private static BigInteger strip(BigInteger a, BigInteger g) {
        BigInteger c = a;
        while (true) {
            BigInteger[] qr = c.divideAndRemainder(g);
            if (qr[1].signum() != 0) {
                return c;
            }
            c = qr[0];
        }
    }

    private static BigInteger divideOut(BigInteger n, List<BigInteger> base) {
        BigInteger c = n;
        for (BigInteger b : base) {
            c = strip(c, b);
        }
        return c;
    }
}
