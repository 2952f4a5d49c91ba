package org.ecmpipe.pipeline;

import java.math.BigInteger;
import java.util.List;
import java.util.Set;
import org.ecmpipe.composite.Composite;
import org.ecmpipe.ecm.FoundFactor;
import org.ecmpipe.result.Factor;
import org.ecmpipe.stage1.Stage1Result;

/**
 * A number that goes through ECM, after trial division.
 *
 * @param position 1-based position in the batch (for "[3/100]" in logs)
 * @param smallFactors factors known before this run's ECM: found by trial division (stage 0), or by an earlier run's
 *     ECM when this run steps up B1
 * @param ecmInput what ECM works on: the number with those factors divided out
 * @param reusedStage1 stage 1 done by an earlier run (its residue file checked), or null to run it
 * @param priorStage2 stage-2 curves an interrupted earlier run completed, or null
 * @param partialStage1 curves a stage 1 cut short by a stop saved, to be continued, or null
 */
public record PlannedNumber(int position, Composite composite, List<Factor> smallFactors, BigInteger ecmInput,
                            Stage1Result reusedStage1, PriorStage2 priorStage2, PartialStage1 partialStage1) {

    /** A stage 1 cut short: {@code curves} curves saved in {@code residueFile}. */
    public record PartialStage1(java.nio.file.Path residueFile, int curves) {
    }

    /** Stage-2 work done by interrupted earlier runs: those residue lines are not run again. */
    public record PriorStage2(Set<Integer> completedLines, double seconds, List<FoundFactor> factors) {
        public PriorStage2 {
            completedLines = Set.copyOf(completedLines);
            factors = List.copyOf(factors);
        }
    }

    public PlannedNumber {
        smallFactors = List.copyOf(smallFactors);
    }

    public PlannedNumber(int position, Composite composite, List<Factor> smallFactors, BigInteger ecmInput) {
        this(position, composite, smallFactors, ecmInput, null, null, null);
    }

    public PlannedNumber resuming(Stage1Result stage1, PriorStage2 prior) {
        return new PlannedNumber(position, composite, smallFactors, ecmInput, stage1, prior, null);
    }

    /** The number with the curves a stage 1 cut short saved, to add the rest to. */
    public PlannedNumber continuing(PartialStage1 partial) {
        return new PlannedNumber(position, composite, smallFactors, ecmInput, null, null, partial);
    }
}
