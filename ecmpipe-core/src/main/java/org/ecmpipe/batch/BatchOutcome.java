package org.ecmpipe.batch;

import java.nio.file.Path;
import java.util.List;
import org.ecmpipe.pipeline.PipelineReport;
import org.ecmpipe.result.CompositeResult;
import org.ecmpipe.submit.Submitter;

/**
 * What a batch run did.
 *
 * @param results every number of the batch that has a result, in input order: this run's and earlier runs'
 * @param earlier the numbers whose result in {@code results} comes from an earlier run on the work dir (not run again)
 * @param total numbers in the batch
 * @param report the pipeline's timings (this run only)
 * @param stopped the run was stopped (Ctrl-C, SIGTERM) before every number had a result
 * @param submissions what submitting did, or null when not submitting
 * @param resultsFile where the results are
 */
public record BatchOutcome(List<CompositeResult> results, java.util.Set<java.math.BigInteger> earlier, int total, PipelineReport report, boolean stopped,
                           Submitter.Stats submissions, Path resultsFile) {
    public BatchOutcome {
        results = List.copyOf(results);
        earlier = java.util.Set.copyOf(earlier);
    }

    public boolean anyFailed() {
        return results.stream().anyMatch(r -> r.status() == CompositeResult.Status.FAILED);
    }
}
