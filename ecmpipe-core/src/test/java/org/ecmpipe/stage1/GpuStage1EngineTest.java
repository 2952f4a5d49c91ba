package org.ecmpipe.stage1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.ecmpipe.ecm.EcmBinary;
import org.ecmpipe.ecm.EcmCapabilities;
import org.ecmpipe.ecm.EcmException;
import org.ecmpipe.ecm.FoundFactor;
import org.ecmpipe.ecm.Sigma;
import org.ecmpipe.residue.Residue;
import org.ecmpipe.residue.ResidueFile;
import org.ecmpipe.testing.EcmChildren;
import org.ecmpipe.testing.GpuStandIn;
import org.ecmpipe.testing.PlantedNumbers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The GPU engine against the GPU stand-in of each GMP-ECM version (no GPU on these machines; the stand-in prints
 * that version's GPU output and computes each curve with the real CPU ecm).
 */
class GpuStage1EngineTest {
    @RegisterExtension
    final EcmChildren ecmChildren = new EcmChildren();

    @TempDir
    Path dir;

    /** An executable script in the test's directory (the test wrappers around the stand-in). */
    private Path script(String name, String text) throws java.io.IOException {
        Path path = dir.resolve(name);
        java.nio.file.Files.writeString(path, text);
        java.nio.file.Files.setPosixFilePermissions(path,
                java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        return path;
    }

    private EcmBinary standIn(String version) throws Exception {
        return EcmBinary.probe(GpuStandIn.install(dir, version), ecmChildren.children());
    }

    /** {@code --curves 3 --gpu-curves 32}: 96 curves; a p6 found in stage 1 with a sigma that reproduces it. */
    @ParameterizedTest
    @ValueSource(strings = {"7.0.5", "7.0.6", "master"})
    void threeBatchesOf32FindAFactorWithItsTrueSigma(String version) throws Exception {
        EcmBinary ecm = standIn(version);
        assertThat(ecm.gpu()).isTrue();
        EcmCapabilities caps = EcmCapabilities.probe(ecm, ecmChildren.children());
        assertThat(caps.cgbn()).isTrue();
        boolean cgbnFlag = caps.passCgbnFlag(null);
        assertThat(cgbnFlag).isEqualTo(version.equals("7.0.5"));
        GpuStage1Engine engine = new GpuStage1Engine(ecm, ecmChildren.children(), 1, 20, cgbnFlag);
        assertThat(engine.curvesFor(3)).as("-gpucurves 20 is rounded up to 32").isEqualTo(96);
        PlantedNumbers.Planted planted = PlantedNumbers.planted(9, 6, 35, 40);
        List<String> output = new CopyOnWriteArrayList<>();
        Stage1Result result = engine.run(new Stage1Request(planted.n(), 11000, engine.curvesFor(3), dir.resolve("g.sav"),
                Duration.ofMinutes(3)), output::add);

        assertThat(result.error()).isNull();
        assertThat(result.warnings()).isEmpty();
        assertThat(result.curves()).isEqualTo(96);
        assertThat(result.device()).isEqualTo(1);
        assertThat(result.onGpu()).isTrue();
        assertThat(result.ecmVersion()).isEqualTo(version.equals("7.0.5") ? "7.0.5" : "7.0.6");
        String range = version.equals("7.0.5") ? "3:\\d+-3:\\d+" : "3:\\d+-\\d+";
        assertThat(output).filteredOn(l -> l.matches("Using B1=11000, B2=0, sigma=" + range + " \\(32 curves\\)")).hasSize(3);
        assertThat(output).filteredOn(l -> l.matches("Run (33|65) out of 96:")).hasSize(2);
        assertThat(result.factors()).extracting(FoundFactor::factor).containsExactly(planted.smallest());
        FoundFactor f = result.factors().getFirst();
        assertThat(f.sigma()).as("verified by one CPU curve in the engine").isNotNull();
        assertThat(new SigmaCheck(ecm, ecmChildren.children()).check(planted.n(), 11000, f.sigma(), f.factor(),
                Duration.ofMinutes(1))).isNull();
        assertThat(result.cofactor()).isEqualTo(planted.n().divide(planted.smallest()));
        assertThat(result.cofactorPrime()).isFalse();
        assertThat(result.stage2Needed()).isTrue();
        assertThat(result.residues()).isEqualTo(96);
        List<Residue> residues = ResidueFile.read(result.residueFile()).residues();
        assertThat(residues).hasSize(96).allSatisfy(r -> {
            assertThat(r.param()).isEqualTo(3);
            assertThat(r.fields()).doesNotContainKey("Y");
            assertThat(r.n()).isEqualTo(result.cofactor());
        });
        assertThat(residues).extracting(Residue::curve).contains(f.sigma());
    }

    /**
     * M2: N = p*q*r where every curve finds p*q at once (both group orders are below B1) and r is prime. ecm reports
     * the composite factor p*q and the prime cofactor r, stops after the first batch and saves no residues.
     */
    @ParameterizedTest
    @ValueSource(strings = {"7.0.5", "7.0.6", "master"})
    void compositeFactorWithPrimeCofactorSettlesTheNumber(String version) throws Exception {
        EcmBinary ecm = standIn(version);
        BigInteger p = BigInteger.valueOf(100003);
        BigInteger q = BigInteger.valueOf(100019);
        // r has 45 digits. A curve that also finds r makes ecm end with "Found input number N" (exit code 8): with a
        // 20-digit r one batch in a few did, and with a 30-digit r one CI run in about a hundred (32 random sigmas at
        // B1=200000); at 45 digits the chance per curve is below 1e-7.
        BigInteger r = new BigInteger("100000000000000000000000000000000000000000031");
        BigInteger n = p.multiply(q).multiply(r);
        GpuStage1Engine engine = new GpuStage1Engine(ecm, ecmChildren.children(), null, 32, version.equals("7.0.5"));
        Stage1Result result = engine.run(new Stage1Request(n, 200000, 96, dir.resolve("m2.sav"), Duration.ofMinutes(3)), l -> { });

        assertThat(result.error()).isNull();
        assertThat(result.exitCode()).as("composite factor, prime cofactor").isEqualTo(10);
        assertThat(result.curves()).as("a prime cofactor ends the run after its batch").isEqualTo(32);
        // ecm reports p*q; the engine splits it with the same curve at a smaller B1; each part's sigma reproduces it
        List<BigInteger> found = result.factors().stream().map(FoundFactor::factor).toList();
        if (found.equals(List.of(p.multiply(q)))) {
            // the stand-in's sigmas are random: about 1 curve in 200 has group orders for p and q with the same
            // largest prime power, so no B1 separates them; other curves that found p*q are tried (see the test
            // below with a pinned sigma), and only when every one tried fails is the composite factor kept, and said so
            assertThat(result.warnings()).anyMatch(w -> w.contains("did not split it"));
        } else {
            assertThat(found).containsExactlyInAnyOrder(p, q);
            assertThat(result.warnings()).anyMatch(w -> w.contains("composite factor " + p.multiply(q)));
            SigmaCheck check = new SigmaCheck(ecm, ecmChildren.children());
            assertThat(result.factors()).allSatisfy(f -> assertThat(check.check(n, 200000, f.sigma(), f.factor(),
                    Duration.ofMinutes(1))).isNull());
        }
        assertThat(result.cofactor()).isEqualTo(r);
        assertThat(result.cofactorPrime()).isTrue();
        assertThat(result.settled()).isTrue();
        assertThat(result.stage2Needed()).isFalse();
        assertThat(result.residues()).isZero();
        assertThat(result.residueFile()).doesNotExist();
        assertThat(result.inputNumberFound()).isFalse();
    }

    /**
     * M3: every curve finds all of N = p*q: exit code 8, save lines for N=1 (unusable); the engine splits N with the
     * curve at a smaller B1, so the number is settled.
     */
    @ParameterizedTest
    @ValueSource(strings = {"7.0.5", "7.0.6", "master"})
    void wholeNumberFoundInStage1(String version) throws Exception {
        EcmBinary ecm = standIn(version);
        BigInteger n = BigInteger.valueOf(100003).multiply(BigInteger.valueOf(100019));
        GpuStage1Engine engine = new GpuStage1Engine(ecm, ecmChildren.children(), 0, 32, false);
        Stage1Result result = engine.run(new Stage1Request(n, 200000, 64, dir.resolve("m3.sav"), Duration.ofMinutes(3)), l -> { });

        assertThat(result.error()).isNull();
        assertThat(result.exitCode()).isEqualTo(8);
        assertThat(result.inputNumberFound()).isTrue();
        assertThat(result.curves()).as("no batch after the whole number was found").isEqualTo(32);
        assertThat(result.factors()).extracting(FoundFactor::factor)
                .containsExactlyInAnyOrder(BigInteger.valueOf(100003), BigInteger.valueOf(100019));
        assertThat(result.settled()).isTrue();
        assertThat(result.residueFile()).exists();
        assertThat(ResidueFile.read(result.residueFile()).problems()).hasSize(32); // N=1 lines
        assertThat(result.residues()).isZero();
        assertThat(result.warnings()).anyMatch(w -> w.contains("whole remaining number"));
    }

    /**
     * M3 with a batch whose first curve cannot split N = 100003 * 100019: for sigma 3:17219309 both group orders have
     * 179 as their largest prime power (B1=178 finds nothing, 179 finds all of N; found by a search with the real ecm,
     * about 1 curve in 200 is like this), so no B1 separates the primes on that curve. The next curve of the batch,
     * 3:17219310, which also found N, splits it at B1=207. Before other curves were tried, N stayed unsplit here (and
     * the random-sigma test above failed about once in 70 CI runs).
     */
    @Test
    void wholeNumberTheFirstCurveCannotSplitIsSplitByAnotherCurveOfTheBatch() throws Exception {
        Path standIn = GpuStandIn.install(dir, "7.0.6");
        Path pinned = script("ecm-pinned-sigma", """
                #!/bin/bash
                # TEST WRAPPER around the GPU stand-in: GPU batches start at sigma 3:17219309 (the stand-in's -sigma)
                case " $* " in
                  *" -gpu "*) exec '%s' -sigma 3:17219309 "$@" ;;
                esac
                exec '%s' "$@"
                """.formatted(standIn, standIn));
        EcmBinary ecm = EcmBinary.probe(pinned, ecmChildren.children());
        BigInteger p = BigInteger.valueOf(100003);
        BigInteger q = BigInteger.valueOf(100019);
        BigInteger n = p.multiply(q);
        Stage1Result result = new GpuStage1Engine(ecm, ecmChildren.children(), 0, 32, false)
                .run(new Stage1Request(n, 200000, 32, dir.resolve("m3.sav"), Duration.ofMinutes(3)), l -> { });

        assertThat(result.error()).isNull();
        assertThat(result.exitCode()).isEqualTo(8);
        assertThat(result.factors()).extracting(FoundFactor::factor).containsExactlyInAnyOrder(p, q);
        assertThat(result.factors()).extracting(FoundFactor::sigma).containsOnly(Sigma.of(3, 17219310));
        SigmaCheck check = new SigmaCheck(ecm, ecmChildren.children());
        assertThat(result.factors()).allSatisfy(f -> assertThat(check.check(n, 200000, f.sigma(), f.factor(),
                Duration.ofMinutes(1))).isNull());
        assertThat(result.warnings()).anyMatch(w -> w.contains("composite factor " + n + " (curve 3:17219309)")
                && w.contains("curve 3:17219310, which also found it, with B1=207 finds")
                && w.contains("(3:17219309 could not split it)"));
        assertThat(result.settled()).isTrue();
    }

    @Test
    void aMissingDeviceFailsTheRunWithEcmsMessage() throws Exception {
        EcmBinary ecm = standIn("7.0.6");
        Stage1Result result = new GpuStage1Engine(ecm, ecmChildren.children(), 7, 32, false).run(new Stage1Request(
                PlantedNumbers.planted(2, 20, 20).n(), 11000, 32, dir.resolve("x.sav"), Duration.ofMinutes(1)), l -> { });
        assertThat(result.failed()).isTrue();
        assertThat(result.error()).contains("code 1", "Could not use device 7");
    }

    @ParameterizedTest
    @ValueSource(strings = {"7.0.5", "7.0.6"})
    void learnsTheDefaultBatchSizeFromEcm(String version) throws Exception {
        EcmBinary ecm = standIn(version);
        assertThat(new GpuStage1Engine(ecm, ecmChildren.children(), null, null, false).curvesFor(3)).isEqualTo(3 * 64);
        EcmCapabilities caps = EcmCapabilities.probe(ecm, ecmChildren.children())
                .withDefaultBatches(ecmChildren.children(), java.util.Arrays.asList(null, 1));
        assertThat(caps.defaultBatches()).extracting(EcmCapabilities.DeviceBatch::curves).containsExactly(64, 64);
        assertThat(caps.summaryLine()).contains("GMP-ECM " + version, "device 1: 64 curves");
    }

    @Test
    void refuses705CgbnWithAHugeB1NamingTheFix() throws Exception {
        EcmBinary ecm = standIn("7.0.5");
        GpuStage1Engine engine = new GpuStage1Engine(ecm, ecmChildren.children(), 0, 32, true);
        assertThatThrownBy(() -> engine.run(new Stage1Request(PlantedNumbers.planted(3, 20, 20).n(), 1_500_000_000L, 32,
                dir.resolve("big.sav"), Duration.ofMinutes(1)), l -> { }))
                .isInstanceOf(EcmException.class).hasMessageContaining("4a60b113").hasMessageContaining("7.0.6");
        assertThat(dir.resolve("big.sav")).doesNotExist();
    }

    /**
     * A GPU whose output is self-consistent but names the wrong curve (a fault-injecting wrapper around the stand-in
     * shifts every printed sigma by one): the factor is kept, its sigma dropped, and a warning says why. In the batch
     * starting at sigma 3:3538349993 only curve 8 (3:3538350001) finds p12 = 100000000003 at B1=3000.
     */
    @Test
    void aGpuSigmaThatDoesNotReproduceItsFactorIsDroppedWithAWarning() throws Exception {
        Path standIn = GpuStandIn.install(dir, "7.0.6");
        Path shifted = script("ecm-shifted-sigmas", """
                #!/bin/bash
                # FAULT-INJECTING TEST WRAPPER around the GPU stand-in: shifts every sigma it prints by one
                set -o pipefail
                case " $* " in
                  *" -gpu "*) '%s' -sigma 3:3538349993 "$@" | perl -pe 's/sigma=3:(\\d+)-(\\d+)/"sigma=3:".($1+1)."-".($2+1)/e; s/\\(-sigma 3:(\\d+)\\)/"(-sigma 3:".($1+1).")"/e'; exit $? ;;
                esac
                exec '%s' "$@"
                """.formatted(standIn, standIn));
        EcmBinary ecm = EcmBinary.probe(shifted, ecmChildren.children());
        BigInteger p = new BigInteger("100000000003");
        BigInteger n = p.multiply(new BigInteger("158770420390354651171570220101"))
                .multiply(new BigInteger("18738782537602273074125620198362679"));
        Stage1Result result = new GpuStage1Engine(ecm, ecmChildren.children(), null, 32, false)
                .run(new Stage1Request(n, 3000, 32, dir.resolve("s.sav"), Duration.ofMinutes(2)), l -> { });

        assertThat(result.error()).isNull();
        assertThat(result.factors()).containsExactly(new FoundFactor(p, 1, null));
        assertThat(result.warnings()).singleElement().asString()
                .contains("100000000003", "3:3538350002", "does not reproduce", "does not find 100000000003");
    }

    @Test
    void aSigmaThatDoesNotReproduceItsFactorIsReportedAsSuch() throws Exception {
        EcmBinary ecm = standIn("7.0.6");
        PlantedNumbers.Planted planted = PlantedNumbers.planted(9, 6, 35, 40);
        // sigma 3:2 is a valid curve, but it is not the curve that finds this p6 (checked: no factor at B1=50)
        assertThat(new SigmaCheck(ecm, ecmChildren.children()).check(planted.n(), 50, Sigma.of(3, 2), planted.smallest(),
                Duration.ofMinutes(1))).contains("does not find " + planted.smallest());
    }
}
