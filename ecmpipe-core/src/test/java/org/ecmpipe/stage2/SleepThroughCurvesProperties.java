package org.ecmpipe.stage2;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * The rule a stage-2 worker sleeps by while ecm runs short curves ({@link ResumeWorker#sleepThroughCurves}), for
 * every queue length the worker keeps (2 to {@link ResumeWorker#MAX_LINES_IN_ECM} - 1 lines behind the running one)
 * and every curve length it sleeps through (2 ms up to the cap). In each property the running curve has run for
 * {@code ran} ms, up to one curve length, when the worker reads its start and begins to sleep. The wake-ups the rule
 * saves are measured in BENCHMARKS.md.
 */
class SleepThroughCurvesProperties {

    private static final long CAP = ResumeWorker.CURVES_PAUSE_CAP_MILLIS;

    @Property
    void theRunningCurveHasEndedWhenTheWorkerWakes(
            @ForAll @IntRange(min = 2, max = ResumeWorker.MAX_LINES_IN_ECM - 1) int queued,
            @ForAll @LongRange(min = 2, max = CAP - 1) long curve, @ForAll @LongRange(min = 0, max = CAP) long ran) {
        long r = Math.min(ran, curve);
        // the running curve ends curve - r after the worker reads its start; a wake-up before that finds nothing new in
        // the pipe and costs two more (the read that waits for the curve's end, the pause for the rest of the burst)
        assertThat(ResumeWorker.sleepThroughCurves(queued, curve, CAP)).isGreaterThan(curve - r);
    }

    @Property
    void ecmKeepsALineToGoOnWithUnlessItsCurvesRunAFifthFaster(
            @ForAll @IntRange(min = 2, max = ResumeWorker.MAX_LINES_IN_ECM - 1) int queued,
            @ForAll @LongRange(min = 2, max = CAP - 1) long curve, @ForAll @LongRange(min = 0, max = CAP) long ran,
            @ForAll @IntRange(min = 80, max = 150) int pace) {
        // the next curves take pace % of the last one's reported length; the worker's lines in ecm (the running one and
        // `queued` behind it) last until (queued + 1) of them have run, less what the running one had done already
        long real = curve * pace;
        long r = Math.min(ran * 100, real);
        long sleep = ResumeWorker.sleepThroughCurves(queued, curve, CAP) * 100;
        assertThat(sleep).as("ecm would have finished every line before the worker wakes").isLessThanOrEqualTo((queued + 1) * real - r);
    }

    @Property
    void aSleepEndsAQuarterCurveAfterTheCurvesItCoversUnlessThatIsTooLong(
            @ForAll @IntRange(min = 2, max = ResumeWorker.MAX_LINES_IN_ECM - 1) int queued,
            @ForAll @LongRange(min = 2, max = CAP - 1) long curve) {
        long sleep = ResumeWorker.sleepThroughCurves(queued, curve, CAP);
        long quarterPast = (queued - 1) * curve + Math.max(1, curve / 4);
        assertThat(sleep).isLessThanOrEqualTo(CAP).isLessThanOrEqualTo(quarterPast);
        if (sleep < quarterPast) {
            assertThat(sleep).as("cut short only by the cap or by four fifths of the queued lines")
                    .isIn(CAP, 4 * queued * curve / 5);
        }
    }

    @Example
    void curvesOfSixtyFourMillisecondsWithTwoQueuedAreReadSixteenMillisecondsAfterTheRunningOneEnds() {
        // the dense batch of bench/jvm-cpu.sh: c80 curves of about 64 ms at B1=250000 and ecm's default B2
        assertThat(ResumeWorker.sleepThroughCurves(2, 64, CAP)).isEqualTo(80);
        // curves of 12 ms, nine queued: four fifths of the nine curves' 108 ms (86), not the 99 ms that end a quarter
        // curve after the eighth
        assertThat(ResumeWorker.sleepThroughCurves(9, 12, CAP)).isEqualTo(86);
    }
}
