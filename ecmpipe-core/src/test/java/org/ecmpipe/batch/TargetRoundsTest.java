package org.ecmpipe.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.time.Clock;
import java.util.List;
import org.ecmpipe.result.CompositeResult;
import org.ecmpipe.result.ResultBuilder;
import org.ecmpipe.tlevel.TLevel;
import org.ecmpipe.tlevel.WorkItem;
import org.junit.jupiter.api.Test;

/** The ladder a run to a target t-level climbs, and the t-level a result carries. */
class TargetRoundsTest {
    @Test
    void eachRoundTakesTheNextRungAboveWhereTheNumberStandsButNotPastTheTarget() {
        assertThat(TargetRounds.nextRung(0, 35)).containsExactly(20, 11_000);
        assertThat(TargetRounds.nextRung(20.0, 35)).containsExactly(25, 50_000);
        assertThat(TargetRounds.nextRung(27.3, 35)).containsExactly(30, 250_000);
        assertThat(TargetRounds.nextRung(31, 33)).containsExactly(35, 1_000_000);
        assertThat(TargetRounds.nextRung(12, 18)).containsExactly(20, 11_000);
        assertThat(TargetRounds.nextRung(66, 80)).containsExactly(65, 850_000_000);
    }

    @Test
    void aResultsTLevelCountsStage2CurvesAtB1B2AndTheRestAtB1Only() {
        BigInteger n = new BigInteger("1086370673651039305480189487473899229023406697946064192003");
        CompositeResult r = ResultBuilder.of(n, Clock.systemUTC()).bounds(11000, BigInteger.valueOf(1873422)).b2Default(true)
                .param(3).stage1(20, 1, false, "cpu").stage2(12, 1).done();
        double expected = TLevel.of(List.of(WorkItem.defaultB2(12, 11000, 3), WorkItem.stage1Only(8, 11000, 3)));
        assertThat(r.tLevel()).isEqualTo(expected);
        assertThat(r.work()).containsExactly(WorkItem.defaultB2(12, 11000, 3), WorkItem.stage1Only(8, 11000, 3));
        CompositeResult stage1Only = ResultBuilder.of(n, Clock.systemUTC()).bounds(11000, BigInteger.ZERO).param(3)
                .stage1(20, 1, false, "cpu").done();
        assertThat(stage1Only.tLevel()).isEqualTo(TLevel.of(List.of(WorkItem.stage1Only(20, 11000, 3))))
                .isLessThan(r.tLevel());
        assertThat(ResultBuilder.of(n, Clock.systemUTC()).bounds(11000, null).done().tLevel()).isNull();
    }
}
