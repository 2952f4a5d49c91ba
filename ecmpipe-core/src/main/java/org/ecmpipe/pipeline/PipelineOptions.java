package org.ecmpipe.pipeline;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Objects;

/**
 * How the pipeline runs every number.
 *
 * @param b2 stage-2 bound; null for GMP-ECM's default (or {@code b2Auto}), 0 for stage 1 only
 * @param b2Min the lower end of a B2 range ({@code --b2 MIN-MAX}), or null
 * @param b2Auto choose B2 as the batch runs so that stage 2 takes as long as stage 1 ({@code --b2 auto})
 * @param stage1Curves curves per number as users count them: curves on a CPU, whole batches on a GPU
 * @param queueDepth numbers whose stage 1 is done and whose stage 2 has not started, at most (the GPU waits
 *     beyond that)
 * @param keepResidues keep residue files after their number's result is written
 * @param sharedCores stage 1 on the CPU, work-conserving: this many cores shared by both stages ({@link
 *     SharedCores}); 0: each stage on its own (the producers, and {@code stage2Workers} stage-2 workers)
 */
public record PipelineOptions(long b1, BigInteger b2, int stage1Curves, int stage2Workers, boolean continueAfterFactor,
                              int progressInterval, int queueDepth, boolean keepResidues,
                              Duration stage1Timeout, Duration curveTimeout, boolean b2Auto, BigInteger b2Min,
                              int sharedCores) {
    public PipelineOptions {
        if (sharedCores < 0) {
            throw new IllegalArgumentException("shared cores must not be negative");
        }
        Objects.requireNonNull(stage1Timeout, "stage1Timeout");
        Objects.requireNonNull(curveTimeout, "curveTimeout");
        if (queueDepth < 1) {
            throw new IllegalArgumentException("queue depth must be at least 1");
        }
        if (stage1Curves < 1 || stage2Workers < 1) {
            throw new IllegalArgumentException("curves and workers must be at least 1");
        }
    }

    /** The same options without B2 chosen as the batch runs. */
    public PipelineOptions(long b1, BigInteger b2, int stage1Curves, int stage2Workers, boolean continueAfterFactor,
                           int progressInterval, int queueDepth, boolean keepResidues, Duration stage1Timeout,
                           Duration curveTimeout) {
        this(b1, b2, stage1Curves, stage2Workers, continueAfterFactor, progressInterval, queueDepth, keepResidues,
                stage1Timeout, curveTimeout, false, null, 0);
    }

    /** The same options with {@code cores} cores shared by both stages (0: each stage on its own). */
    public PipelineOptions sharingCores(int cores) {
        return new PipelineOptions(b1, b2, stage1Curves, stage2Workers, continueAfterFactor, progressInterval, queueDepth,
                keepResidues, stage1Timeout, curveTimeout, b2Auto, b2Min, cores);
    }

    public boolean stage2Enabled() {
        return b2 == null || b2.signum() > 0;
    }
}
