package org.ecmpipe.pipeline;

import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ecmpipe.composite.Composite;
import org.ecmpipe.composite.Primality;
import org.ecmpipe.composite.TrialDivision;
import org.ecmpipe.result.CompositeResult;
import org.ecmpipe.result.Factor;
import org.ecmpipe.result.Factorization;

/**
 * What a batch needs before ECM: trial division of every number; primes and numbers trial division
 * finished get their result at once, the rest go through the pipeline.
 */
public record BatchPlan(List<PlannedNumber> ecmWork, List<CompositeResult> settled, int total) {

    public BatchPlan {
        ecmWork = List.copyOf(ecmWork);
        settled = List.copyOf(settled);
    }

    public static BatchPlan of(List<Composite> numbers, TrialDivision trialDivision, long b1, String ecmVersion) {
        List<PlannedNumber> work = new ArrayList<>();
        List<CompositeResult> settled = new ArrayList<>();
        for (int i = 0; i < numbers.size(); i++) {
            Composite c = numbers.get(i);
            Instant now = Instant.now();
            if (Primality.isPrime(c.value())) {
                settled.add(new CompositeResult(c.value(), CompositeResult.Status.SKIPPED, "prime", List.of(), c.value(),
                        true, b1, null, null, 0, 0, 0, 0, false, now, now, ecmVersion));
                continue;
            }
            TrialDivision.Result td = trialDivision.divide(c.value());
            Factorization f = new Factorization(c.value());
            for (Map.Entry<BigInteger, Integer> e : td.factors().entrySet()) {
                f.add(e.getKey().pow(e.getValue()), 0, null);
            }
            if (f.cofactorIsPrime()) {
                settled.add(new CompositeResult(c.value(), CompositeResult.Status.DONE, null, f.factors(), f.cofactor(),
                        true, b1, null, null, 0, 0, 0, 0, false, now, now, ecmVersion));
                continue;
            }
            List<Factor> small = f.factors();
            work.add(new PlannedNumber(i + 1, c, small, td.cofactor()));
        }
        return new BatchPlan(work, settled, numbers.size());
    }
}
