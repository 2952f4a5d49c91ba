package org.ecmpipe.pipeline;

import java.time.Duration;
import org.ecmpipe.stage1.Stage1Result;

/**
 * A number whose stage 1 ended, on its way to stage 2. A null number marks the end of the work.
 *
 * @param stage1 what stage 1 did, or null when it could not run ({@code error} says why)
 * @param reused stage 1 was done by an earlier run
 * @param device what ran stage 1, as results record it
 */
record Stage1Handoff(PlannedNumber number, Stage1Result stage1, String error, Duration stage1Time, boolean reused,
                     String device) {
}
