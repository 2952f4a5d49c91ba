package org.ecmpipe.stage1;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.ecmpipe.ecm.ChildProcesses;
import org.ecmpipe.ecm.EcmBinary;
import org.ecmpipe.ecm.FoundFactor;
import org.ecmpipe.residue.Residue;
import org.ecmpipe.residue.ResidueFile;
import org.ecmpipe.testing.GpuStandIn;
import org.ecmpipe.testing.EcmChildren;
import org.ecmpipe.testing.PlantedNumbers;
import org.ecmpipe.testing.RealEcm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The GPU engine against the GPU stand-in (no GPU on these machines), which runs the real ecm per curve. */
class GpuStage1EngineTest {
    @RegisterExtension
    final EcmChildren ecmChildren = new EcmChildren();

    @TempDir
    Path dir;


    @Test
    void runsABatchAndReadsGpuOutput() throws Exception {
        EcmBinary ecm = EcmBinary.probe(GpuStandIn.install(dir), ecmChildren.children());
        assertThat(ecm.gpu()).isTrue();
        GpuStage1Engine engine = new GpuStage1Engine(ecm, ecmChildren.children(), 1, 20, true);
        assertThat(engine.curvesFor(2)).as("-gpucurves 20 is rounded up to 32").isEqualTo(64);
        // a p6 is found in stage 1 by nearly every curve
        PlantedNumbers.Planted planted = PlantedNumbers.planted(9, 6, 25, 30);
        List<String> output = new CopyOnWriteArrayList<>();
        Stage1Result result = engine.run(new Stage1Request(planted.n(), 11000, engine.curvesFor(1), dir.resolve("g.sav"),
                Duration.ofMinutes(2)), output::add);

        assertThat(result.error()).isNull();
        assertThat(result.curves()).isEqualTo(32);
        assertThat(output).anyMatch(l -> l.matches("Using B1=11000, B2=0, sigma=3:\\d+-3:\\d+ \\(32 curves\\)"));
        assertThat(result.factors()).extracting(FoundFactor::factor).containsExactly(planted.smallest());
        FoundFactor f = result.factors().getFirst();
        assertThat(f.sigma().param()).isEqualTo(3);
        assertThat(f.sigma().value()).as("sigma corrected to the unsigned 32-bit value")
                .isBetween(BigInteger.TWO, BigInteger.ONE.shiftLeft(32));
        List<Residue> residues = ResidueFile.read(result.residueFile()).residues();
        assertThat(residues).hasSize(32).allSatisfy(r -> {
            assertThat(r.param()).isEqualTo(3);
            assertThat(r.fields()).doesNotContainKey("Y");
            assertThat(r.n()).isEqualTo(planted.n().divide(planted.smallest()));
        });
        assertThat(residues).extracting(Residue::curve).contains(f.sigma());
    }

    @Test
    void aMissingDeviceFailsTheRunWithEcmsMessage() throws Exception {
        EcmBinary ecm = EcmBinary.probe(GpuStandIn.install(dir), ecmChildren.children());
        Stage1Result result = new GpuStage1Engine(ecm, ecmChildren.children(), 7, 32, false).run(new Stage1Request(
                PlantedNumbers.planted(2, 20, 20).n(), 11000, 32, dir.resolve("x.sav"), Duration.ofMinutes(1)), l -> { });
        assertThat(result.failed()).isTrue();
        assertThat(result.error()).contains("code 1", "Could not use device 7");
    }

    @Test
    void learnsTheDefaultBatchSizeFromEcm() throws Exception {
        EcmBinary ecm = EcmBinary.probe(GpuStandIn.install(dir), ecmChildren.children());
        assertThat(new GpuStage1Engine(ecm, ecmChildren.children(), null, null, false).curvesFor(3)).isEqualTo(3 * 64);
    }
}
