package org.ecmpipe.stage2;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * The rule a stage-2 worker sleeps by while ecm runs short curves ({@link ResumeWorker#sleepThroughCurves}), for
 * every queue length the worker keeps (2 to {@link ResumeWorker#MAX_LINES_IN_ECM} lines behind the running one) and
 * every curve length it sleeps through (2 ms up to the cap). The wake-ups it saves are measured in BENCHMARKS.md.
 */
class SleepThroughCurvesProperties {

    @Property
    void neverLongerThanTheCap(@ForAll @IntRange(min = 2, max = ResumeWorker.MAX_LINES_IN_ECM) int queued,
                               @ForAll @LongRange(min = 10, max = 1000) long cap, @ForAll @LongRange(min = 2, max = 999) long curve) {
        long c = Math.min(curve, cap - 1);
        assertThat(ResumeWorker.sleepThroughCurves(queued, c, cap)).isPositive().isLessThanOrEqualTo(cap);
    }

    @Property
    void wakesUpBeforeEcmStartsTheLastQueuedLine(@ForAll @IntRange(min = 2, max = ResumeWorker.MAX_LINES_IN_ECM) int queued,
                                                 @ForAll @LongRange(min = 2, max = 99) long curve) {
        // the running curve and the queued lines ahead of the last take at least `queued` curve lengths (each at least
        // the CPU time ecm reported for the last one): so ecm still has that line to go on with when the worker wakes
        assertThat(ResumeWorker.sleepThroughCurves(queued, curve, ResumeWorker.CURVES_PAUSE_CAP_MILLIS))
                .isLessThan(queued * curve);
    }

    @Property
    void wakesUpAQuarterCurveAfterTheCurvesItSleepsThroughEnd(
            @ForAll @IntRange(min = 2, max = ResumeWorker.MAX_LINES_IN_ECM) int queued, @ForAll @LongRange(min = 2, max = 99) long curve) {
        long cap = ResumeWorker.CURVES_PAUSE_CAP_MILLIS;
        long sleep = ResumeWorker.sleepThroughCurves(queued, curve, cap);
        // the running curve and all queued ones but the last end at (queued - 1) curve lengths: a wake-up right then
        // came just before the end about half the time, and cost two wake-ups more
        if (sleep < cap) {
            assertThat(sleep).isGreaterThanOrEqualTo((queued - 1) * curve + Math.max(1, curve / 4));
        } else {
            assertThat((queued - 1) * curve + Math.max(1, curve / 4)).isGreaterThanOrEqualTo(cap);
        }
    }

    @Example
    void aCurveOfSixtyFourMillisecondsWithTwoQueuedIsSleptThroughWithSixteenToSpare() {
        // the dense batch of bench/jvm-cpu.sh: c80 curves of about 64 ms at B1=250000 and ecm's default B2
        assertThat(ResumeWorker.sleepThroughCurves(2, 64, 100)).isEqualTo(80);
    }
}
