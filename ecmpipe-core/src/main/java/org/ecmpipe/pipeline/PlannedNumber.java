package org.ecmpipe.pipeline;

import java.math.BigInteger;
import java.util.List;
import org.ecmpipe.composite.Composite;
import org.ecmpipe.result.Factor;

/**
 * A number that goes through ECM, after trial division.
 *
 * @param position 1-based position in the batch (for "[3/100]" in logs)
 * @param smallFactors factors found by trial division (stage 0)
 * @param ecmInput what ECM works on: the number with its small factors divided out
 */
public record PlannedNumber(int position, Composite composite, List<Factor> smallFactors, BigInteger ecmInput) {
    public PlannedNumber {
        smallFactors = List.copyOf(smallFactors);
    }
}
