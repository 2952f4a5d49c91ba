package org.ecmpipe.stage1;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.ecmpipe.ecm.FoundFactor;

/**
 * What a stage-1 run produced.
 *
 * @param curves curves really run (GPU: whole batches)
 * @param residueFile the saved residues; may be missing when ecm saved nothing (a stage-1 factor left a prime
 *     cofactor)
 * @param factors factors as ecm reported them, each tied to its curve where the output allows
 * @param error null on success, else why the run failed
 */
public record Stage1Result(BigInteger composite, long b1, int curves, Path residueFile, List<FoundFactor> factors,
                           Duration elapsed, int exitCode, String ecmVersion, String error) {
    public Stage1Result {
        factors = List.copyOf(factors);
    }

    public boolean failed() {
        return error != null;
    }
}
