package org.ecmpipe.stage1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.ecmpipe.ecm.ChildProcesses;
import org.ecmpipe.ecm.EcmBinary;
import org.ecmpipe.ecm.EcmException;
import org.ecmpipe.ecm.FoundFactor;
import org.ecmpipe.residue.Residue;
import org.ecmpipe.residue.ResidueFile;
import org.ecmpipe.testing.EcmChildren;
import org.ecmpipe.testing.PlantedNumbers;
import org.ecmpipe.testing.RealEcm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class CpuStage1EngineTest {
    @RegisterExtension
    final EcmChildren ecmChildren = new EcmChildren();

    @TempDir
    Path dir;


    @Test
    void savesOneResiduePerCurveAndTiesStage1FactorsToTheirCurve() throws Exception {
        EcmBinary ecm = ecmChildren.realEcm();
        assertThat(ecm.version()).matches("\\d+\\.\\d+.*");
        assertThat(ecm.gpu()).as("Debian's gmp-ecm has no GPU support").isFalse();
        // a p6 is found in stage 1 by nearly every curve at B1=11000
        PlantedNumbers.Planted planted = PlantedNumbers.planted(5, 6, 25, 30);
        List<String> lines = new CopyOnWriteArrayList<>();
        Stage1Result result = new CpuStage1Engine(ecm, ecmChildren.children(), 3).run(
                new Stage1Request(planted.n(), 11000, 6, dir.resolve("r.sav"), Duration.ofMinutes(2)), lines::add);

        assertThat(result.error()).isNull();
        assertThat(result.curves()).isEqualTo(6);
        assertThat(result.ecmVersion()).isEqualTo(ecm.version());
        assertThat(lines).anyMatch(l -> l.startsWith("Using B1=11000, B2=0"));
        assertThat(result.factors()).isNotEmpty().allSatisfy(f -> {
            assertThat(f.step()).isEqualTo(1);
            assertThat(f.sigma()).isNotNull();
            assertThat(f.sigma().param()).isEqualTo(3);
        });
        assertThat(result.factors()).extracting(FoundFactor::factor).contains(planted.smallest());
        List<Residue> residues = ResidueFile.read(result.residueFile()).residues();
        assertThat(residues).hasSize(6).allSatisfy(r -> assertThat(r.param()).isEqualTo(3));
        // the factor's sigma is one of the saved curves
        assertThat(residues).extracting(Residue::curve).contains(result.factors().getFirst().sigma());
    }

    @Test
    void neverOverwritesAnExistingResidueFile() throws Exception {
        EcmBinary ecm = ecmChildren.realEcm();
        Path existing = Files.writeString(dir.resolve("old.sav"), "precious GPU hours\n");
        assertThatThrownBy(() -> new CpuStage1Engine(ecm, ecmChildren.children(), 3).run(
                new Stage1Request(PlantedNumbers.planted(1, 10, 10).n(), 11000, 1, existing, Duration.ofMinutes(1)), l -> { }))
                .isInstanceOf(EcmException.class).hasMessageContaining("already exists");
        assertThat(Files.readString(existing)).isEqualTo("precious GPU hours\n");
    }
}
