package org.ecmpipe.testing;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.ecmpipe.residue.Residue;
import org.ecmpipe.residue.ResidueFile;
import org.ecmpipe.stage1.Stage1Engine;
import org.ecmpipe.stage1.Stage1Request;
import org.ecmpipe.stage1.Stage1Result;

/**
 * Residues from many one-curve stage-1 runs of our engine. In one {@code -c K} run, a curve that finds a factor in
 * stage 1 makes every later curve work on the cofactor; separate runs keep each line on the full number unless
 * its own curve found something, so tests about stage 2 on N do not depend on the luck of stage 1.
 */
public final class SingleCurveResidues {
    private SingleCurveResidues() {
    }

    public static List<Residue> make(Stage1Engine engine, BigInteger n, long b1, int curves, Path dir) throws IOException {
        List<Residue> out = new ArrayList<>();
        for (int i = 0; i < curves; i++) {
            Stage1Result result = engine.run(new Stage1Request(n, b1, 1, dir.resolve("curve-" + i + ".sav"),
                    Duration.ofMinutes(2)), line -> { });
            if (result.failed()) {
                throw new IllegalStateException("stage 1 failed: " + result.error());
            }
            out.addAll(ResidueFile.read(result.residueFile()).residues());
        }
        return out;
    }
}
