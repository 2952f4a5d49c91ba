package org.ecmpipe.stage2;

import java.math.BigInteger;
import java.util.List;
import org.ecmpipe.ecm.FoundFactor;
import org.ecmpipe.ecm.Sigma;

/** How one residue line fared in a worker. */
record CurveOutcome(Status status, Sigma sigma, BigInteger b2, List<FoundFactor> factors, String detail) {

    enum Status {
        /** ecm printed {@code Step 2 took}: the curve's stage 2 ran to its end. */
        COMPLETED,
        /** ecm read the line and went on without running it (e.g. its cofactor was already known prime). */
        SKIPPED,
        /** The ecm process exited before finishing the line. */
        DIED,
        /** The curve ran past its timeout and its process was ended. */
        TIMED_OUT,
        /** The executor was stopping and ended the process. */
        STOPPED
    }
}
