package org.ecmpipe.stage1;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Optional;
import org.ecmpipe.ecm.ChildProcesses;
import org.ecmpipe.ecm.EcmBinary;
import org.ecmpipe.ecm.EcmCommand;
import org.ecmpipe.ecm.EcmLine;
import org.ecmpipe.ecm.EcmOutputParser;
import org.ecmpipe.ecm.CompletedProcess;
import org.ecmpipe.ecm.Sigma;

/**
 * Splits a composite that one curve found whole, the way GMP-ECM users do by hand: the same curve with a smaller
 * B1. A curve finds a prime p at B1 when the largest prime power of its group order mod p is at most B1; primes of
 * the composite usually differ in that bound, so a bisection on B1 (geometric, between 1 and the B1 that found all
 * of it) meets a B1 where the curve finds a proper factor. Each step is one CPU stage-1 curve on the composite itself
 * (small: its primes were all found in stage 1), so it is cheap. Gives up when two primes share the bound.
 */
final class CurveSplit {
    /** Enough steps to bisect any B1 below 2^53 down to neighbouring integers. */
    private static final int MAX_STEPS = 60;

    private final EcmBinary ecm;
    private final ChildProcesses children;
    private final EcmOutputParser parser = new EcmOutputParser();

    CurveSplit(EcmBinary ecm, ChildProcesses children) {
        this.ecm = ecm;
        this.children = children;
    }

    /**
     * @param m a composite that the curve {@code sigma} finds whole at {@code b1}
     * @return a proper factor of {@code m}, or empty when the bisection could not separate its primes
     */
    Optional<Split> split(BigInteger m, Sigma sigma, long b1, Duration timeout) {
        long lo = 1;
        long hi = b1;
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int step = 0; step < MAX_STEPS && hi - lo > 1 && System.nanoTime() < deadline; step++) {
            long mid = Math.max(lo + 1, Math.min(hi - 1, (long) Math.sqrt((double) lo * hi)));
            BigInteger g = found(m, sigma, mid, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (g == null) {
                return Optional.empty(); // ecm failed or timed out: no split, the caller keeps m
            }
            if (g.equals(m)) {
                hi = mid;
            } else if (g.equals(BigInteger.ONE)) {
                lo = mid;
            } else {
                return Optional.of(new Split(g, mid));
            }
        }
        return Optional.empty();
    }

    /** A proper factor and the B1 at which the curve found it. */
    record Split(BigInteger factor, long b1) {
    }

    /** What one curve finds in stage 1 of {@code m} at {@code b1}: 1 when nothing, null when ecm failed. */
    private BigInteger found(BigInteger m, Sigma sigma, long b1, Duration timeout) {
        CompletedProcess run = CompletedProcess.run(children, EcmCommand.cpuCurve(ecm, sigma, b1), m + "\n", timeout, l -> { });
        if (run.timedOut() || (run.exitCode() & 1) != 0) {
            return null;
        }
        return run.stdout().stream().map(parser::parse).filter(EcmLine.FactorFound.class::isInstance)
                .map(l -> ((EcmLine.FactorFound) l).factor()).findFirst().orElse(BigInteger.ONE);
    }
}
