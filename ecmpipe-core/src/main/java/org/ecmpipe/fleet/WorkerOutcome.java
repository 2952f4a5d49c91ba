package org.ecmpipe.fleet;

import java.math.BigInteger;
import java.util.List;

/**
 * What a fleet worker did: leases and residue claims finished (result on the server), units handed back, the factors
 * it found (each verified and submitted), and whether it was stopped rather than running out of work.
 */
public record WorkerOutcome(int leasesDone, int residuesDone, int handedBack, List<BigInteger> factors, boolean stopped) {
    public WorkerOutcome {
        factors = List.copyOf(factors);
    }
}
