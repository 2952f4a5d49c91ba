package org.ecmpipe.ecm;

import java.math.BigInteger;

/** One recognised line of GMP-ECM's standard output. {@link EcmOutputParser} turns text into these. */
public sealed interface EcmLine {

    /** {@code GMP-ECM 7.0.5 [configured with GMP 6.2.1, --enable-gpu] [ECM]}. */
    record Banner(String version, String configuredWith) implements EcmLine {
        public boolean gpuBuild() {
            return configuredWith.contains("--enable-gpu");
        }
    }

    /** {@code Resuming ECM residue saved by ...}: stage 2 of a saved line starts. */
    record Resuming(String text) implements EcmLine {
    }

    /** {@code Input number is N (D digits)}; {@code number} is as ecm prints it (may be an expression). */
    record InputNumber(String number, int digits) implements EcmLine {
    }

    /**
     * {@code Using B1=..., B2=..., [polynomial ..., ]sigma=P:S[-P:E (n curves)]}.
     *
     * @param b1Done the B1 already done (resume: the file's B1), or null
     * @param b2 the effective B2 (0 for stage 1 only)
     * @param sigma the first curve, or null when the curve is given by A
     * @param curves curves in a GPU batch (1 on CPU)
     */
    record Using(BigInteger b1Done, BigInteger b1, BigInteger b2, Sigma sigma, int curves) implements EcmLine {
    }

    /** {@code Step 1 took 4ms} or {@code Step 2 took 9ms} (CPU time of the process). */
    record StepTook(int step, long millis) implements EcmLine {
    }

    /** {@code ********** Factor found in step 2: F}. */
    record FactorFound(int step, BigInteger factor) implements EcmLine {
    }

    /** {@code Found prime factor of 12 digits: F}; ecm's wording, kept for the log only. */
    record FoundFactorKind(String kind, BigInteger factor) implements EcmLine {
    }

    /** {@code Composite cofactor C has 55 digits}; the cofactor may be an expression. */
    record Cofactor(String kind, String cofactor, int digits) implements EcmLine {
    }

    /** {@code Found input number N}: the factor found was the whole number. */
    record FoundInputNumber() implements EcmLine {
    }

    /**
     * {@code GPU: factor F found in Step 1 with curve K (-sigma 3:S)}; {@code curveIndex} counts from 0 within the
     * batch. GMP-ECM 7.0.5's CGBN code prints sigmas of 2^31 and more as negative numbers: {@code sigma} is the
     * corrected value.
     */
    record GpuFactor(BigInteger factor, int step, int curveIndex, Sigma sigma) implements EcmLine {
    }

    /** {@code Computing 3072 Step 1 took 1234ms of CPU time / 56789ms of GPU time}. */
    record GpuStep1Took(int curves, long cpuMillis, long gpuMillis) implements EcmLine {
    }

    /** {@code Computing 3072 Step 2 on CPU took 1234ms}. */
    record GpuStep2Took(int curves, long cpuMillis) implements EcmLine {
    }

    /**
     * {@code GPU: Large B1, S = 158705902 bits = 151 MB} (CGBN, when the stage-1 exponent has 1e8 bits or more). The
     * MB figure is bits/2^20 on 7.0.5 and bits/2^23 from 7.0.6; only the bit count is kept.
     */
    record GpuLargeB1(long exponentBits) implements EcmLine {
    }

    /** A line of a known kind whose content contradicts itself (e.g. a sigma range that does not hold its count). */
    record Unexpected(String text, String problem) implements EcmLine {
    }

    /**
     * {@code Run 2 out of 4:} (CPU: curve 2 starts; GPU: the batch starting at curve 2). {@code total} is the
     * {@code -c} count as given, not rounded to whole batches.
     */
    record Run(int first, int total) implements EcmLine {
    }

    /** {@code Save file line has unknown tag: DONE000001}: our per-line completion sentinel, echoed by ecm. */
    record UnknownTag(String tag) implements EcmLine {
    }

    /** Any other line (verbose tables, GPU progress, warnings). */
    record Other(String text) implements EcmLine {
    }
}
