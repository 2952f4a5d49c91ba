package org.ecmpipe.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.ecmpipe.ecm.Sigma;
import org.ecmpipe.residue.CompositeResidues;
import org.ecmpipe.residue.Residue;
import org.ecmpipe.result.CompositeResult;
import org.ecmpipe.result.Factorization;
import org.ecmpipe.result.Reason;
import org.ecmpipe.result.ResultBuilder;
import org.junit.jupiter.api.Test;

/** Which results a resumed claim takes as settled, and which numbers it runs again. */
class ClaimJobTest {
    private static final BigInteger P = BigInteger.valueOf(1_000_003);
    private static final BigInteger N = P.multiply(new BigInteger("1000000000000000000117"));

    private static CompositeResidues fourLines() {
        List<Residue> lines = IntStream.rangeClosed(1, 4).mapToObj(i -> new Residue(i, "line " + i, Map.of(), 3,
                BigInteger.valueOf(100 + i), 11000, N, BigInteger.TWO)).toList();
        return new CompositeResidues(N, 11000, lines);
    }

    private static CompositeResult done(int stage2Curves, Integer factorStage) {
        Factorization f = new Factorization(N);
        if (factorStage != null) {
            f.add(P, factorStage, new Sigma(3, BigInteger.valueOf(101)));
        }
        return ResultBuilder.of(N, Clock.systemUTC()).factorization(f).bounds(11000, BigInteger.valueOf(1_000_000))
                .stage1(4, 0, true, null).stage2(stage2Curves, 1.0).done();
    }

    @Test
    void aStage2CutShortByAStopDoesNotSettleItsNumberButOneEndedByAFactorOrFailureDoes() {
        CompositeResidues number = fourLines();
        assertThat(ClaimJob.settles(done(4, null), number)).as("every line ran").isTrue();
        assertThat(ClaimJob.settles(done(2, null), number)).as("cut short by a stop").isFalse();
        assertThat(ClaimJob.settles(done(2, 2), number)).as("a stage-2 factor ended it").isTrue();
        assertThat(ClaimJob.settles(done(2, 1), number)).as("a stage-1 factor from the file ends nothing").isFalse();
        CompositeResult failed = ResultBuilder.of(N, Clock.systemUTC()).factorization(new Factorization(N))
                .bounds(11000, BigInteger.valueOf(1_000_000)).stage1(4, 0, true, null).stage2(0, 0)
                .failed(Reason.STAGE2_FAILED, "every curve failed");
        assertThat(ClaimJob.settles(failed, number)).as("a failed number is handed back, not rerun").isTrue();
    }
}
