package org.ecmpipe.stage2;

import org.ecmpipe.ecm.Sigma;

/** A curve whose stage 2 did not run, with the residue file line it came from. */
public record CurveFailure(int lineNumber, Sigma sigma, String reason) {
}
