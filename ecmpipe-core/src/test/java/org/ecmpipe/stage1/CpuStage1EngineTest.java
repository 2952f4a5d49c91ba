package org.ecmpipe.stage1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
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

    /**
     * M2 on the real ecm: N = p*q*r, every curve finds p*q (both group orders are below B1), r is prime. ecm reports
     * the composite factor, stops after that curve (prime cofactor) and saves nothing; the engine splits p*q with the
     * same curve at a smaller B1.
     */
    @Test
    void compositeFactorWithPrimeCofactorSettlesTheNumber() throws Exception {
        EcmBinary ecm = ecmChildren.realEcm();
        BigInteger pq = BigInteger.valueOf(100003).multiply(BigInteger.valueOf(100019));
        BigInteger r = new BigInteger("100000000000000000000000000319");
        Stage1Result result = new CpuStage1Engine(ecm, ecmChildren.children(), 3).run(
                new Stage1Request(pq.multiply(r), 200000, 6, dir.resolve("m2.sav"), Duration.ofMinutes(2)), l -> { });

        assertThat(result.error()).isNull();
        assertThat(result.exitCode()).isEqualTo(10);
        assertThat(result.curves()).as("ecm stops once the cofactor is prime").isEqualTo(1);
        assertThat(result.factors()).extracting(FoundFactor::factor)
                .containsExactlyInAnyOrder(BigInteger.valueOf(100003), BigInteger.valueOf(100019));
        assertThat(result.factors()).allSatisfy(f -> assertThat(f.sigma()).isNotNull());
        assertThat(result.warnings()).anyMatch(w -> w.contains("composite factor " + pq) && w.contains("splits into"));
        assertThat(result.cofactor()).isEqualTo(r);
        assertThat(result.cofactorPrime()).isTrue();
        assertThat(result.settled()).isTrue();
        assertThat(result.stage2Needed()).isFalse();
        assertThat(result.residues()).isZero();
        assertThat(result.device()).as("CPU").isNull();
    }

    /**
     * M3 on the real ecm: the first curve finds all of N: exit code 8, one save line for N=1, nothing usable; the
     * engine splits N with that curve at a smaller B1, so the number is settled.
     */
    @Test
    void wholeNumberFound() throws Exception {
        EcmBinary ecm = ecmChildren.realEcm();
        BigInteger n = BigInteger.valueOf(100003).multiply(BigInteger.valueOf(100019));
        Stage1Result result = new CpuStage1Engine(ecm, ecmChildren.children(), 3).run(
                new Stage1Request(n, 200000, 4, dir.resolve("m3.sav"), Duration.ofMinutes(2)), l -> { });

        assertThat(result.error()).isNull();
        assertThat(result.exitCode()).isEqualTo(8);
        assertThat(result.inputNumberFound()).isTrue();
        assertThat(result.curves()).isEqualTo(1);
        assertThat(result.factors()).extracting(FoundFactor::factor)
                .containsExactlyInAnyOrder(BigInteger.valueOf(100003), BigInteger.valueOf(100019));
        assertThat(Files.readString(result.residueFile())).contains("N=1;", "X=0x0;");
        assertThat(result.residues()).isZero();
        assertThat(result.cofactor()).isEqualTo(BigInteger.ONE);
        assertThat(result.settled()).isTrue();
        assertThat(result.stage2Needed()).isFalse();
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
