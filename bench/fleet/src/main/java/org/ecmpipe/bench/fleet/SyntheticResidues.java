package org.ecmpipe.bench.fleet;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.ecmpipe.residue.ResidueChecksum;

/**
 * Stand-in for a GPU's {@code ecm -save} file: lines in GMP-ECM's save format with a random X below N and the
 * checksum GMP-ECM writes, so the server's line checks pass. The X values are not real stage-1 results (no curve is
 * run in this benchmark); every line has its own sigma, so every file is different.
 */
final class SyntheticResidues {
    private SyntheticResidues() {
    }

    static byte[] file(BigInteger n, long b1, int curves, long firstSigma, SplittableRandom random) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < curves; i++) {
            long sigma = firstSigma + i;
            BigInteger x = new BigInteger(n.bitLength() + 8, new java.util.Random(random.nextLong())).mod(n);
            long checksum = ResidueChecksum.compute(b1, BigInteger.valueOf(sigma), 3, n, x, null);
            out.append("METHOD=ECM; PARAM=3; SIGMA=").append(sigma).append("; B1=").append(b1).append("; N=").append(n)
                    .append("; X=0x").append(x.toString(16)).append("; CHECKSUM=").append(checksum)
                    .append("; PROGRAM=GMP-ECM 7.0.5; WHO=fleet-bench; TIME=stand-in;\n");
        }
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
