package org.ecmpipe.stage2;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.ecmpipe.ecm.ChildProcesses;
import org.ecmpipe.ecm.EcmBinary;
import org.ecmpipe.ecm.FoundFactor;
import org.ecmpipe.residue.Residue;
import org.ecmpipe.stage1.CpuStage1Engine;
import org.ecmpipe.testing.OneShotEcm;
import org.ecmpipe.testing.EcmChildren;
import org.ecmpipe.testing.PlantedNumbers;
import org.ecmpipe.testing.RealEcm;
import org.ecmpipe.testing.SingleCurveResidues;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The property the whole pipeline rests on: a residue saved by our stage 1 and resumed by our stage 2 finds
 * exactly what one plain {@code ecm -sigma P:S B1 B2} run finds for the same curve. Real ecm throughout.
 */
class ResidueRoundTripTest {
    private static final long B1 = 11000;
    private static final BigInteger B2 = BigInteger.valueOf(50_000_000);
    private static final int CURVES = 24;

    @RegisterExtension
    final EcmChildren ecmChildren = new EcmChildren();

    @TempDir
    Path dir;


    @ParameterizedTest(name = "param {0}")
    @ValueSource(ints = {1, 3})
    void resumedResiduesFindWhatOneShotRunsFind(int param) throws Exception {
        EcmBinary ecm = ecmChildren.realEcm();
        PlantedNumbers.Planted planted = PlantedNumbers.planted(1000 + param, 12, 25, 30);
        // one curve per stage-1 run: see SingleCurveResidues
        List<Residue> residues = SingleCurveResidues.make(new CpuStage1Engine(ecm, ecmChildren.children(), param), planted.n(), B1,
                CURVES, dir);
        assertThat(residues).hasSize(CURVES).allSatisfy(r -> assertThat(r.param()).isEqualTo(param));

        Stage2Executor executor = new Stage2Executor(ecm, ecmChildren.children());
        int curvesWithFactors = 0;
        for (Residue residue : residues) {
            Set<BigInteger> oneShot = OneShotEcm.factors(ecm, ecmChildren.children(), residue.n(), residue.curve(), B1, B2);
            Stage2Result resumed = executor.run(new Stage2Request(residue.n(), B1, B2, List.of(residue), 1, true, 0,
                    Duration.ofMinutes(2), List.of()), Stage2Listener.NONE);
            Set<BigInteger> viaResidue = new TreeSet<>();
            resumed.factors().stream().map(FoundFactor::factor).forEach(viaResidue::add);
            assertThat(viaResidue).as("sigma %s on %s", residue.curve(), residue.n()).isEqualTo(oneShot);
            assertThat(resumed.curvesCompleted()).isEqualTo(1);
            assertThat(resumed.factors()).allSatisfy(f -> assertThat(f.sigma()).isEqualTo(residue.curve()));
            if (!oneShot.isEmpty()) {
                curvesWithFactors++;
            }
        }
        // the comparison has teeth only if some curves do find a factor at these bounds
        assertThat(curvesWithFactors).as("curves finding a planted factor").isGreaterThan(0);
        assertThat(RealEcm.liveEcmDescendants()).isZero();
    }
}
