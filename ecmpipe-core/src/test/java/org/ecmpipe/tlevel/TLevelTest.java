package org.ecmpipe.tlevel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TLevelTest {
    private static WorkItem d(long curves, long b1, int param) {
        return WorkItem.defaultB2(curves, b1, param);
    }

    private static WorkItem b2(long curves, long b1, long b2, int param) {
        return new WorkItem(curves, b1, BigInteger.valueOf(b2), param);
    }

    /**
     * tlevel.md section 5.4, column {@code ecm_model}: section 3.1's t-level with every probability from libecm's
     * {@code ecmprob} on the inputs ecm itself would use.
     */
    private static final Map<String, Case> SECTION_5_4 = Map.ofEntries(
            Map.entry("107@11e3,p=1", new Case(20.012, d(107, 11_000, 1))),
            Map.entry("113@11e3,p=3", new Case(20.007, d(113, 11_000, 3))),
            Map.entry("261@5e4,p=1", new Case(25.004, d(261, 50_000, 1))),
            Map.entry("513@25e4,p=1", new Case(30.004, d(513, 250_000, 1))),
            Map.entry("1071@1e6,p=1", new Case(35.001, d(1071, 1_000_000, 1))),
            Map.entry("1116@1e6,p=3", new Case(35.000, d(1116, 1_000_000, 3))),
            Map.entry("1071@1e6,p=3", new Case(34.903, d(1071, 1_000_000, 3))),
            Map.entry("2753@3e6,p=1", new Case(40.000, d(2753, 3_000_000, 1))),
            Map.entry("8704@43e6,p=1", new Case(50.000, d(8704, 43_000_000, 1))),
            Map.entry("9009@43e6,p=3", new Case(50.000, d(9009, 43_000_000, 3))),
            Map.entry("24@11e3,p=1;85@5e4,p=1;300@25e4,p=1;1000@1e6,p=1", new Case(34.964,
                    d(24, 11_000, 1), d(85, 50_000, 1), d(300, 250_000, 1), d(1000, 1_000_000, 1))),
            Map.entry("1000@1e6,p=3", new Case(34.743, d(1000, 1_000_000, 3))),
            Map.entry("1000@1e6,1045563762,p=3", new Case(34.794, b2(1000, 1_000_000, 1_045_563_762L, 3))),
            Map.entry("1000@1e6,20000000000,p=3", new Case(36.101, b2(1000, 1_000_000, 20_000_000_000L, 3))),
            Map.entry("1000@1e6,0,p=3", new Case(28.825, WorkItem.stage1Only(1000, 1_000_000, 3))),
            Map.entry("1000/2000@3e6,p=3", new Case(37.568, d(1000, 3_000_000, 3),
                    WorkItem.stage1Only(1000, 3_000_000, 3))),
            Map.entry("5000@11000,1000000,p=3", new Case(25.699, b2(5000, 11_000, 1_000_000, 3))),
            Map.entry("50@3e6,p=3", new Case(29.317, d(50, 3_000_000, 3))),
            Map.entry("3000@11e6,p=3", new Case(43.474, d(3000, 11_000_000, 3))),
            Map.entry("500@3e6,1000000000,p=3;200@11e6,p=3", new Case(37.350, b2(500, 3_000_000, 1_000_000_000L, 3),
                    d(200, 11_000_000, 3))),
            Map.entry("1@11e3,p=1", new Case(10.147, d(1, 11_000, 1))),
            Map.entry("100@1234567,p=3", new Case(29.510, d(100, 1_234_567, 3))));

    record Case(double tLevel, List<WorkItem> work) {
        Case(double tLevel, WorkItem... work) {
            this(tLevel, List.of(work));
        }
    }

    @Test
    void reproducesTheTLevelTableOfSection54ToThreeDecimals() {
        SECTION_5_4.forEach((input, c) -> {
            double t = TLevel.of(c.work());
            assertThat(String.format(Locale.ROOT, "%.3f", t)).as(input).isEqualTo(String.format(Locale.ROOT, "%.3f", c.tLevel()));
            assertThat(t).as(input + " against the literal definition").isCloseTo(ReferenceTLevel.tLevel(c.work()), within(1e-9));
        });
    }

    @Test
    void defaultB2FollowsEcmsPlannerOnTheLadder() {
        // tlevel.md section 3.2, columns "default B2 (NTT)" and "default B2 (no NTT)", and the printed dF, k, poly
        long[][] ladder = {
                {11_000L, 1_873_422L, 1_684_420L, 256, 3, 1}, {50_000L, 12_746_592L, 15_446_350L, 512, 5, 2},
                {250_000L, 128_992_510L, 183_032_866L, 2048, 3, -3}, {1_000_000L, 1_045_563_762L, 974_637_522L, 4096, 6, -6},
                {3_000_000L, 5_706_890_290L, 4_592_487_916L, 16384, 2, -6},
                {11_000_000L, 35_133_391_030L, 30_114_149_530L, 32768, 3, -12},
                {43_000_000L, 240_490_660_426L, 198_654_756_318L, 65536, 5, -12},
                {110_000_000L, 776_278_396_540L, 900_514_153_782L, 131072, 4, -30},
                {260_000_000L, 3_178_559_884_516L, 3_079_973_376_496L, 262144, 4, -30},
                {850_000_000L, 15_892_628_251_516L, 15_716_618_487_586L, 524288, 5, -30},
                {2_900_000_000L, 105_101_237_217_912L, 86_487_091_861_186L, 2097152, 2, -30},
                {7_600_000_000L, 425_332_376_469_022L, 362_938_864_267_998L, 4194304, 2, -30},
                {25_000_000_000L, 2_551_982_328_195_322L, 2_162_143_573_590_016L, 8388608, 3, -30}};
        for (long[] row : ladder) {
            assertThat(TLevel.defaultB2(row[0])).as("B1=%d", row[0]).isEqualTo(BigInteger.valueOf(row[1]));
            assertThat(TLevel.defaultB2(row[0], false)).as("B1=%d no NTT", row[0]).isEqualTo(BigInteger.valueOf(row[2]));
            Stage2Plan plan = Stage2Plan.of(row[0], null, true);
            assertThat(new long[] {plan.dF(), plan.k(), plan.s()}).as("B1=%d", row[0]).containsExactly(row[3], row[4], row[5]);
        }
        // tlevel.md 1.8: an explicit B2 equal to the default is planned differently (dF=8192, k=2, B2' = 1426089220)
        Stage2Plan explicit = Stage2Plan.of(1_000_000, BigInteger.valueOf(1_045_563_762L), true);
        assertThat(explicit.printedB2()).isEqualTo(BigInteger.valueOf(1_045_563_762L));
        assertThat(explicit.effectiveB2()).isEqualTo(BigInteger.valueOf(1_426_089_220L));
        assertThat(new long[] {explicit.dF(), explicit.k(), explicit.s()}).containsExactly(8192, 2, -6);
    }

    @Test
    void edgeCases() {
        assertThat(TLevel.of(List.of())).isZero();
        assertThat(TLevel.of(List.of(d(0, 1_000_000, 1)))).isZero();
        // equal kinds merge: 2 x 1071 curves is the same work as 2142 curves
        assertThat(TLevel.of(List.of(d(1071, 1_000_000, 1), d(1071, 1_000_000, 1))))
                .isEqualTo(TLevel.of(List.of(d(2142, 1_000_000, 1))));
        // work beyond 100 digits is reported as 0, like brubsby/t-level
        assertThat(TLevel.of(List.of(d(1_000_000_000_000L, 25_000_000_000L, 1)))).isZero();
        // B2 below B1 is stage 1 only, like B2 = 0
        assertThat(TLevel.of(List.of(b2(1000, 1_000_000, 500_000, 3))))
                .isEqualTo(TLevel.of(List.of(WorkItem.stage1Only(1000, 1_000_000, 3))));
        assertThat(TLevel.curveProbability(d(1, 1_000_000, 1), 35)).isCloseTo(1 / 1070.91, within(1e-9));
        assertThat(TLevel.probability(List.of(d(1071, 1_000_000, 1)), 35)).isCloseTo(1 - Math.exp(-1), within(1e-3));
        assertThat(TLevel.nttByDefault(BigInteger.ONE.shiftLeft(1920).subtract(BigInteger.ONE))).isTrue();
        assertThat(TLevel.nttByDefault(BigInteger.ONE.shiftLeft(1920))).isFalse();
    }

    @Test
    void rejectsWhatEcmHasNoModelFor() {
        assertThatThrownBy(() -> TLevel.curvesToReach(List.of(), 80, 11_000, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d(1, 1_000_000, 4)).hasMessageContaining("param");
        assertThatThrownBy(() -> d(-1, 1_000_000, 1)).hasMessageContaining("curves");
        assertThatThrownBy(() -> d(1, 0, 1)).hasMessageContaining("B1");
        assertThatThrownBy(() -> b2(1, 1000, -5, 1)).hasMessageContaining("B2");
        assertThatThrownBy(() -> TLevel.of(List.of(new WorkItem(1, 1000, BigInteger.TEN.pow(40), 1))))
                .hasMessageContaining("too large");
        assertThatThrownBy(() -> TLevel.curveProbability(d(1, 1000, 1), Double.NaN)).hasMessageContaining("digits");
    }

    @Test
    void suggestsCurvesToReachATarget() {
        // from nothing, t35 at 1e6 (param 1) takes 1071 curves (ecm's table: 1071 expected curves)
        Suggestion s = TLevel.curvesToReach(List.of(), 35, 1_000_000, 1);
        assertThat(s.curves()).isEqualTo(1071);
        assertThat(s.tLevel()).isGreaterThanOrEqualTo(35);
        assertThat(TLevel.of(List.of(d(1070, 1_000_000, 1)))).isLessThan(35);
        assertThat(s.curveString()).isEqualTo("1071@1e6");
        // with work done, fewer; and the smallest count that reaches the target
        List<WorkItem> done = List.of(d(1000, 1_000_000, 3));
        Suggestion more = TLevel.curvesToReach(done, 40, 3_000_000, 3);
        assertThat(more.curveString()).isEqualTo(more.curves() + "@3e6,p=3");
        assertThat(TLevel.of(List.of(done.getFirst(), more.work()))).isGreaterThanOrEqualTo(40);
        assertThat(TLevel.of(List.of(done.getFirst(), more.work().withCurves(more.curves() - 1)))).isLessThan(40);
        // already there: nothing to run
        assertThat(TLevel.curvesToReach(done, 30, 3_000_000, 3).curves()).isZero();
        // curves like a given one: an explicit B2, no NTT
        WorkItem like = new WorkItem(0, 1_000_000, BigInteger.valueOf(20_000_000_000L), 3, false);
        Suggestion explicit = TLevel.curvesToReach(done, 38, like);
        assertThat(explicit.work()).isEqualTo(like.withCurves(explicit.curves()));
        assertThat(explicit.curveString()).isEqualTo(explicit.curves() + "@1e6,20000000000,p=3");
        assertThat(TLevel.of(List.of(done.getFirst(), explicit.work()))).isGreaterThanOrEqualTo(38);
        assertThat(TLevel.of(List.of(done.getFirst(), like.withCurves(explicit.curves() - 1)))).isLessThan(38);
    }

    @Test
    void suggestsB1ForAGivenNumberOfCurves() {
        Suggestion s = TLevel.b1ToReach(List.of(), 35, 1000, 1);
        assertThat(s.curves()).isEqualTo(1000);
        assertThat(s.tLevel()).isGreaterThanOrEqualTo(35);
        // the next smaller two-digit B1 does not reach it
        List<Long> grid = TLevel.twoDigitB1s();
        long smaller = grid.get(grid.indexOf(s.b1()) - 1);
        assertThat(TLevel.of(List.of(d(1000, smaller, 1)))).isLessThan(35);
        assertThatThrownBy(() -> TLevel.b1ToReach(List.of(), 99, 1, 1)).hasMessageContaining("do not reach");
        assertThat(grid.getFirst()).isEqualTo(1000);
        assertThat(grid.getLast()).isEqualTo(50_000_000_000L);
        assertThat(grid).contains(11_000L, 43_000_000L, 2_900_000_000L);
    }

    @Test
    void suggestsB1FromZimmermannsFit() {
        Suggestion s = TLevel.suggest(List.of(), 35, 1);
        assertThat(s.b1()).isEqualTo(1_300_000); // exp(0.075 * log2(1e35) + 5.332) = 1.27e6
        assertThat(s.tLevel()).isGreaterThanOrEqualTo(35);
        assertThat(TLevel.suggest(List.of(), 15, 1).b1()).isEqualTo(10_000); // at least 1e4
        assertThatThrownBy(() -> TLevel.suggest(List.of(), 100, 1)).hasMessageContaining("below 100");
        assertThatThrownBy(() -> TLevel.suggest(List.of(), 0, 1)).hasMessageContaining("above 0");
    }

    @Test
    void shortB1Form() {
        assertThat(Suggestion.shortNumber(11_000_000)).isEqualTo("11e6");
        assertThat(Suggestion.shortNumber(3_000_000)).isEqualTo("3e6");
        assertThat(Suggestion.shortNumber(250_000)).isEqualTo("25e4");
        assertThat(Suggestion.shortNumber(1_234_567)).isEqualTo("1234567");
        assertThat(Suggestion.shortNumber(500)).isEqualTo("500");
    }
}
