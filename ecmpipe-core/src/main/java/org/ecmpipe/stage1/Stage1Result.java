package org.ecmpipe.stage1;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.ecmpipe.composite.Primality;
import org.ecmpipe.ecm.FoundFactor;

/**
 * What a stage-1 run produced and what it learned about the number, so that the pipeline can end a number without
 * stage 2 when stage 1 settled it.
 *
 * @param curves curves really run (GPU: whole batches; fewer than asked when ecm stopped early because the cofactor
 *     became prime or the whole number was found)
 * @param residueFile the saved residues; may be missing when ecm saved nothing (a stage-1 factor left a prime
 *     cofactor: GMP-ECM writes no line for a batch or curve whose cofactor is prime)
 * @param factors the proper factors of {@code composite} that stage 1 found (ecm's reduced factors: pairwise
 *     coprime, each dividing {@code composite}; possibly composite, see {@link FoundFactor#factor()}), each with the
 *     curve that finds it. On a GPU the sigma is the one the factor's curve really had (banner first sigma + curve
 *     index) and was reproduced by one CPU curve; it is null when that check failed (see {@code warnings})
 * @param exitCode ecm's exit code (8: the whole remaining number was found)
 * @param ecmVersion the GMP-ECM version that ran, e.g. {@code 7.0.6}
 * @param error null on success, else why the run failed
 * @param device the CUDA device stage 1 ran on, -1 for "ecm's default GPU", or null for the CPU
 * @param residues usable residue lines in {@code residueFile} (lines for N=1, written after the whole number was
 *     found, are not usable and not counted); -1 when not counted (a stage 1 reused from an earlier run)
 * @param cofactor {@code composite} with every factor divided out (1 when stage 1 split it completely)
 * @param cofactorPrime the cofactor is a prime (our own test, not ecm's wording); false for 1
 * @param inputNumberFound ecm printed {@code Found input number N}: the last factor it found was the whole
 *     remaining number (exit code 8)
 * @param warnings things the caller should log (e.g. a GPU sigma that did not reproduce its factor)
 */
public record Stage1Result(BigInteger composite, long b1, int curves, Path residueFile, List<FoundFactor> factors,
                           Duration elapsed, int exitCode, String ecmVersion, String error, Integer device, int residues,
                           BigInteger cofactor, boolean cofactorPrime, boolean inputNumberFound,
                           List<String> warnings) {
    public Stage1Result {
        Objects.requireNonNull(composite, "composite");
        Objects.requireNonNull(cofactor, "cofactor");
        factors = List.copyOf(factors);
        warnings = List.copyOf(warnings);
    }

    /**
     * A result known only from its factors (e.g. rebuilt from the journal): residues not counted, cofactor and its
     * primality computed from the factors, device unknown (CPU).
     */
    public Stage1Result(BigInteger composite, long b1, int curves, Path residueFile, List<FoundFactor> factors,
                        Duration elapsed, int exitCode, String ecmVersion, String error) {
        this(composite, b1, curves, residueFile, factors, elapsed, exitCode, ecmVersion, error, null, -1,
                cofactorOf(composite, factors), Primality.isPrime(cofactorOf(composite, factors)), false, List.of());
    }

    public boolean failed() {
        return error != null;
    }

    /** Stage 1 ran on a GPU. */
    public boolean onGpu() {
        return device != null;
    }

    /** Stage 1 left nothing for ECM to do: the cofactor is 1 or prime. Stage 2 must not run. */
    public boolean settled() {
        return !failed() && (cofactor.equals(BigInteger.ONE) || cofactorPrime);
    }

    /**
     * Stage 2 should run: stage 1 succeeded and left a composite cofactor. When this holds and {@link #residues()}
     * is 0, stage 1 saved nothing to resume (the number can only end partial).
     */
    public boolean stage2Needed() {
        return !failed() && !settled();
    }

    /** The cofactor left by dividing each factor out once, as ecm does; factors that do not divide are skipped. */
    static BigInteger cofactorOf(BigInteger composite, List<FoundFactor> factors) {
        BigInteger c = composite;
        for (FoundFactor f : factors) {
            if (f.factor().signum() > 0 && !f.factor().equals(BigInteger.ONE) && c.mod(f.factor()).signum() == 0) {
                c = c.divide(f.factor());
            }
        }
        return c;
    }
}
