package org.ecmpipe.stage2;

import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.ecmpipe.ecm.FoundFactor;

/**
 * What stage 2 did for one number.
 *
 * @param b2 the B2 ecm really used (from its {@code Using} line), or the requested one if no curve ran
 * @param curvesCompleted curves whose stage 2 really finished (ecm printed {@code Step 2 took})
 * @param factors every proper factor found, with the curve that found it, in the order found
 * @param failures curves that could not be run (ecm crashed, hung, or refused the line)
 * @param stoppedEarly stage 2 stopped before its last curve because a factor was found
 * @param completedLines residue-file line numbers of the curves that completed (to resume an interrupted stage 2)
 */
public record Stage2Result(BigInteger composite, long b1, BigInteger b2, int curvesTotal, int curvesCompleted,
                           List<FoundFactor> factors, List<CurveFailure> failures, Duration elapsed,
                           boolean stoppedEarly, Set<Integer> completedLines) {
    public Stage2Result {
        factors = List.copyOf(factors);
        failures = List.copyOf(failures);
        completedLines = Set.copyOf(completedLines);
    }
}
