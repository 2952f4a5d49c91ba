package org.ecmpipe.stage2;

import java.time.Duration;

/** A progress report: curves finished so far out of the total, factors found, time spent and an estimate. */
public record Stage2Progress(int curvesDone, int curvesTotal, int factorsFound, Duration elapsed) {

    /** Remaining time if the remaining curves go at the pace so far; null before any curve finished. */
    public Duration eta() {
        if (curvesDone == 0) {
            return null;
        }
        long perCurveNanos = elapsed.toNanos() / curvesDone;
        return Duration.ofNanos(perCurveNanos * (curvesTotal - curvesDone));
    }
}
