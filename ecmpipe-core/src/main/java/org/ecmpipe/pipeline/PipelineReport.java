package org.ecmpipe.pipeline;

import java.time.Duration;
import java.util.List;
import org.ecmpipe.result.CompositeResult;

/**
 * What a pipeline run did.
 *
 * @param stage1Busy time the stage-1 producers spent running ecm, added up (shared CPU cores: time the cores spent on
 *     stage-1 chunks, added up)
 * @param stage2Busy time the stage-2 executor spent running numbers (shared CPU cores: time the cores spent as stage-2
 *     workers, added up, divided by the cores: so both fractions are shares of the cores)
 * @param producers how many stage-1 producers there were (GPU busy fraction = stage1Busy / (elapsed * producers));
 *     with shared CPU cores, the cores
 * @param interrupted the run was stopped before every number finished
 */
public record PipelineReport(List<CompositeResult> results, Duration elapsed, Duration stage1Busy, Duration stage2Busy,
                             int producers, boolean interrupted) {
    public PipelineReport {
        results = List.copyOf(results);
    }

    public double stage1BusyFraction() {
        return elapsed.isZero() ? 0 : (double) stage1Busy.toNanos() / (elapsed.toNanos() * (double) producers);
    }

    public double stage2BusyFraction() {
        return elapsed.isZero() ? 0 : (double) stage2Busy.toNanos() / elapsed.toNanos();
    }
}
