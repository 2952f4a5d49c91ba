package org.ecmpipe.pipeline;

import java.math.BigInteger;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ecmpipe.composite.Composite;
import org.ecmpipe.composite.Primality;
import org.ecmpipe.composite.TrialDivision;
import org.ecmpipe.result.CompositeResult;
import org.ecmpipe.result.Factor;
import org.ecmpipe.result.Factorization;
import org.ecmpipe.result.Reason;
import org.ecmpipe.result.ResultBuilder;

/**
 * What a batch needs before ECM: trial division of every number; primes and numbers trial division
 * finished get their result at once, the rest go through the pipeline.
 *
 * @param total every number of the batch, whether planned or settled
 */
public record BatchPlan(List<PlannedNumber> ecmWork, List<CompositeResult> settled, int total) {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(BatchPlan.class);
    /** From this size on a primality test takes seconds or more: say so first, so the wait is not silent. */
    static final int SLOW_PRIMALITY_DIGITS = 2000;

    public BatchPlan {
        ecmWork = List.copyOf(ecmWork);
        settled = List.copyOf(settled);
    }

    /**
     * @param positions each number's 1-based position in the whole batch (for "[3/100]"), in the order of
     *     {@code numbers}
     */
    public static BatchPlan of(List<Composite> numbers, List<Integer> positions, int total, TrialDivision trialDivision,
                               long b1, String ecmVersion, Clock clock) {
        return of(numbers, positions, total, trialDivision, b1, ecmVersion, clock, Map.of());
    }

    /**
     * @param earlier for numbers an earlier run took further (an ECM step-up), its newest result: ECM goes on from
     *     its factors and cofactor instead of starting from the number
     */
    public static BatchPlan of(List<Composite> numbers, List<Integer> positions, int total, TrialDivision trialDivision,
                               long b1, String ecmVersion, Clock clock, Map<BigInteger, CompositeResult> earlier) {
        List<PlannedNumber> work = new ArrayList<>();
        List<CompositeResult> settled = new ArrayList<>();
        for (int i = 0; i < numbers.size(); i++) {
            Composite c = numbers.get(i);
            CompositeResult before = earlier.get(c.value());
            if (before != null && before.cofactor() != null && !before.cofactorPrime()) {
                work.add(new PlannedNumber(positions.get(i), c, before.factors(), before.cofactor()));
                continue;
            }
            ResultBuilder result = ResultBuilder.of(c.value(), clock).bounds(b1, null).ecmVersion(ecmVersion)
                    .input(c.expression());
            if (c.digits() >= SLOW_PRIMALITY_DIGITS) {
                log.info("[{}/{}] checking whether the {}-digit number is prime before any ECM (this takes a while at"
                        + " this size)", positions.get(i), total, c.digits());
            }
            if (Primality.isPrime(c.value())) {
                settled.add(result.prime().skipped(Reason.PRIME));
                continue;
            }
            TrialDivision.Result td = trialDivision.divide(c.value());
            Factorization f = new Factorization(c.value());
            for (Map.Entry<BigInteger, Integer> e : td.factors().entrySet()) {
                f.add(e.getKey().pow(e.getValue()), 0, null);
            }
            if (f.cofactorIsPrime()) {
                settled.add(result.factorization(f).done());
                continue;
            }
            List<Factor> small = f.factors();
            work.add(new PlannedNumber(positions.get(i), c, small, td.cofactor()));
        }
        return new BatchPlan(work, settled, total);
    }
}
