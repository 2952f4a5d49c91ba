package org.ecmpipe.ecm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.nio.file.Path;
import org.ecmpipe.residue.ResidueFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EcmOutputParserTest {

    private final EcmOutputParser parser = new EcmOutputParser();

    @Test
    void cpuStage1WithAFactor() throws IOException {
        List<EcmLine> lines = parse("cpu-stage1-factor.txt");
        assertThat(lines.getFirst()).isEqualTo(new EcmLine.Banner("7.0.5", "GMP 6.2.1, --enable-asm-redc"));
        assertThat(((EcmLine.Banner) lines.getFirst()).gpuBuild()).isFalse();
        assertThat(lines.get(1)).isEqualTo(new EcmLine.InputNumber(
                "2537770589457895864086065317304803970586806917619615628262767052943", 67));
        assertThat(lines.get(2)).isEqualTo(new EcmLine.Using(null, BigInteger.valueOf(11000), BigInteger.ZERO,
                Sigma.of(3, 1169037267L), 1));
        assertThat(lines.get(3)).isEqualTo(new EcmLine.StepTook(1, 4));
        assertThat(lines.get(4)).isEqualTo(new EcmLine.Run(2, 4));
        assertThat(lines).contains(new EcmLine.FactorFound(1, new BigInteger("935351532923")),
                new EcmLine.FoundFactorKind("prime", new BigInteger("935351532923")),
                new EcmLine.Cofactor("Composite", "2713173069302929330231172963430214732722241074296959741", 55));
        assertThat(lines).filteredOn(EcmLine.StepTook.class::isInstance).hasSize(4);
        assertThat(lines).noneMatch(EcmLine.Other.class::isInstance);
    }

    @Test
    void cpuResumeWithAFactorAndTheSentinelEcho() throws IOException {
        List<EcmLine> lines = parse("cpu-resume-factor.txt");
        assertThat(lines.get(1)).isInstanceOf(EcmLine.Resuming.class);
        assertThat(lines.get(3)).isEqualTo(new EcmLine.Using(BigInteger.valueOf(1000), BigInteger.valueOf(1000),
                BigInteger.valueOf(5000000), Sigma.of(1, 3252313030L), 1));
        assertThat(lines.get(5)).isEqualTo(new EcmLine.StepTook(2, 11));
        assertThat(lines.get(6)).isEqualTo(new EcmLine.FactorFound(2, new BigInteger("300000000077")));
        assertThat(lines.getLast()).isEqualTo(new EcmLine.UnknownTag("DONE000000001"));
        assertThat(lines).noneMatch(EcmLine.Other.class::isInstance);
    }

    @Test
    void gpu705CgbnOutputWithNegativeSigmas() throws IOException {
        List<EcmLine> lines = parse("gpu-7.0.5-cgbn-stage1.txt");
        EcmLine.Banner banner = (EcmLine.Banner) lines.getFirst();
        assertThat(banner.gpuBuild()).isTrue();
        assertThat(lines.get(2)).isEqualTo(new EcmLine.Using(null, BigInteger.valueOf(110000000), BigInteger.ZERO,
                Sigma.of(3, 3000000000L), 3072));
        assertThat(lines.get(3)).isEqualTo(new EcmLine.GpuLargeB1(158705536L));
        // 7.0.5 printed sigma 3000000017 as the signed 32-bit -1294967279
        assertThat(lines.get(4)).isEqualTo(new EcmLine.GpuFactor(new BigInteger("935351532923"), 1, 17,
                Sigma.of(3, 3000000017L)));
        assertThat(lines.get(5)).isEqualTo(new EcmLine.GpuFactor(new BigInteger("694054231308167"), 1, 900,
                Sigma.of(3, 3000000900L)));
        assertThat(lines.get(6)).isEqualTo(new EcmLine.GpuStep1Took(3072, 1650, 1834567));
        assertThat(lines).filteredOn(EcmLine.FactorFound.class::isInstance).hasSize(2);
    }

    @Test
    void gpu706TwoBatchesAndInputNumberFound() throws IOException {
        List<EcmLine> lines = parse("gpu-7.0.6-two-batches.txt");
        assertThat(lines.get(1)).isEqualTo(new EcmLine.InputNumber("(2^256+1)/1238926361552897", 62));
        assertThat(lines.get(4)).isEqualTo(new EcmLine.Run(1025, 2048));
        assertThat(lines.get(2)).as("7.0.6 banner form sigma=3:S-E").isEqualTo(new EcmLine.Using(null,
                BigInteger.valueOf(1000000), BigInteger.ZERO, Sigma.of(3, 12345), 1024));
        assertThat(lines.get(5)).isEqualTo(new EcmLine.Using(null, BigInteger.valueOf(1000000), BigInteger.ZERO,
                Sigma.of(3, 2868741392L), 1024));
        assertThat(lines.get(6)).isEqualTo(new EcmLine.GpuFactor(
                new BigInteger("93461639715357977769163558199606896584051237541638188580280321"), 1, 5,
                Sigma.of(3, 2868741397L)));
        assertThat(lines).filteredOn(EcmLine.GpuStep1Took.class::isInstance).hasSize(2);
        assertThat(lines.getLast()).isInstanceOf(EcmLine.FoundInputNumber.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"7.0.5", "7.0.6", "master"})
    void severalBatchesAndAFactorFoundByOneCurve(String version) throws IOException {
        List<EcmLine> lines = parse("gpu-" + version + "-batches-one-curve.txt");
        assertThat(lines).filteredOn(EcmLine.Using.class::isInstance).extracting(l -> ((EcmLine.Using) l).curves())
                .containsExactly(32, 32, 32);
        assertThat(lines.get(2)).isEqualTo(new EcmLine.Using(null, BigInteger.valueOf(3000), BigInteger.ZERO,
                Sigma.of(3, 3538349993L), 32));
        // 7.0.5 printed sigma 3538350001 as -756617295
        assertThat(lines.get(3)).isEqualTo(new EcmLine.GpuFactor(new BigInteger("100000000003"), 1, 8, Sigma.of(3, 3538350001L)));
        assertThat(lines).filteredOn(EcmLine.Run.class::isInstance).containsExactly(new EcmLine.Run(33, 96), new EcmLine.Run(65, 96));
        assertThat(lines).filteredOn(EcmLine.GpuStep1Took.class::isInstance).hasSize(3);
        assertThat(lines).noneMatch(l -> l instanceof EcmLine.Other || l instanceof EcmLine.Unexpected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"7.0.5", "7.0.6", "master"})
    void compositeFactorWithPrimeCofactor(String version) throws IOException {
        List<EcmLine> lines = parse("gpu-" + version + "-composite-factor-prime-cofactor.txt");
        assertThat(lines.get(2)).isEqualTo(new EcmLine.Using(null, BigInteger.valueOf(200000), BigInteger.ZERO,
                Sigma.of(3, 3061498801L), 32));
        assertThat(lines).filteredOn(EcmLine.GpuFactor.class::isInstance).hasSize(32)
                .allMatch(l -> ((EcmLine.GpuFactor) l).sigma().value().longValue() == 3061498801L + ((EcmLine.GpuFactor) l).curveIndex());
        assertThat(lines).filteredOn(EcmLine.GpuStep1Took.class::isInstance).singleElement()
                .satisfies(l -> assertThat(((EcmLine.GpuStep1Took) l).curves()).isEqualTo(32));
        assertThat(lines).contains(new EcmLine.FoundFactorKind("composite", new BigInteger("10002200057")),
                new EcmLine.Cofactor("Prime", "100000000000000000000000000319", 30));
        assertThat(lines).noneMatch(l -> l instanceof EcmLine.Other || l instanceof EcmLine.Unexpected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"7.0.5", "7.0.6", "master"})
    void wholeNumberFoundAndItsN1SaveLines(String version) throws IOException {
        List<EcmLine> lines = parse("gpu-" + version + "-whole-number.txt");
        assertThat(lines.getLast()).isInstanceOf(EcmLine.FoundInputNumber.class);
        assertThat(lines.get(lines.size() - 2)).isEqualTo(new EcmLine.FactorFound(1, new BigInteger("10002200057")));
        Path sav;
        try {
            sav = Path.of(getClass().getResource("/ecm-output/gpu-" + version + "-whole-number.sav").toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        ResidueFile.Contents contents = ResidueFile.read(sav);
        assertThat(contents.residues()).as("N=1 lines are not residues").isEmpty();
        assertThat(contents.problems()).hasSize(32);
    }

    @ParameterizedTest
    @ValueSource(strings = {"7.0.5", "7.0.6", "master"})
    void verboseCgbnLinesAndLargeB1(String version) throws IOException {
        List<EcmLine> lines = parse("gpu-" + version + "-verbose-large-b1.txt");
        assertThat(lines).filteredOn(EcmLine.Using.class::isInstance).singleElement()
                .isEqualTo(new EcmLine.Using(null, BigInteger.valueOf(110000000), BigInteger.ZERO, Sigma.of(3, 1234567), 4352));
        assertThat(lines).contains(new EcmLine.GpuLargeB1(158705536L));
        assertThat(lines).filteredOn(EcmLine.GpuStep1Took.class::isInstance).singleElement()
                .isEqualTo(new EcmLine.GpuStep1Took(4352, 1650, 3961234));
        assertThat(lines).noneMatch(l -> l instanceof EcmLine.Unexpected || l instanceof EcmLine.GpuFactor);
    }

    @Test
    void bannerRangesMustHoldTheirCount() {
        assertThat(parser.parse("Using B1=11000, B2=0, sigma=3:100-131 (32 curves)")).isInstanceOf(EcmLine.Using.class);
        assertThat(parser.parse("Using B1=11000, B2=0, sigma=3:100-3:131 (32 curves)")).isInstanceOf(EcmLine.Using.class);
        assertThat(parser.parse("Using B1=11000, B2=0, sigma=3:100-3:130 (32 curves)"))
                .isEqualTo(new EcmLine.Unexpected("Using B1=11000, B2=0, sigma=3:100-3:130 (32 curves)",
                        "the sigma range 100-130 does not hold 32 curves"));
        assertThat(parser.parse("Using B1=11000, B2=0, sigma=3:100-1:131 (32 curves)")).isInstanceOf(EcmLine.Unexpected.class);
    }

    @Test
    void otherForms() {
        assertThat(parser.parse("Found probable prime factor of 45 digits: 123456789012345678901234567890123456789012345"))
                .isInstanceOf(EcmLine.FoundFactorKind.class);
        assertThat(parser.parse("Probable prime cofactor 1000000000000000000000000000099 has 31 digits"))
                .isEqualTo(new EcmLine.Cofactor("Probable prime", "1000000000000000000000000000099", 31));
        assertThat(parser.parse("Using B1=1000000-1000000, B2=1045563762, polynomial Dickson(6), sigma=3:77777"))
                .isEqualTo(new EcmLine.Using(BigInteger.valueOf(1000000), BigInteger.valueOf(1000000),
                        BigInteger.valueOf(1045563762), Sigma.of(3, 77777), 1));
        assertThat(parser.parse("Step 1 took 12ms (3 in this run, 9 from previous runs)")).isEqualTo(new EcmLine.StepTook(1, 12));
        assertThat(parser.parse("Computing 3072 Step 2 on CPU took 98765ms")).isEqualTo(new EcmLine.GpuStep2Took(3072, 98765));
        assertThat(parser.parse("GPU: factor 77 found in Step 2 with curve 3 (-sigma 3:4000000000)"))
                .isEqualTo(new EcmLine.GpuFactor(BigInteger.valueOf(77), 2, 3, Sigma.of(3, 4000000000L)));
        assertThat(parser.parse("Computing 11366 bits/call, 681174/10035736 (6.8%), ETA 73 + 5 = 78 seconds (~10 ms/curves)"))
                .isInstanceOf(EcmLine.Other.class);
    }

    @Test
    void exitCodes() {
        assertThat(new EcmExit(0).factorFound()).isFalse();
        assertThat(new EcmExit(6).factorFound()).isTrue();
        assertThat(new EcmExit(14).factorFound()).isTrue();
        assertThat(new EcmExit(8).inputNumberFound()).isTrue();
        assertThat(new EcmExit(1).isError()).isTrue();
        assertThat(new EcmExit(137).isError()).isTrue();
        assertThat(new EcmExit(143).isInterrupted()).isTrue();
        assertThat(new EcmExit(143).isError()).isFalse();
    }

    private List<EcmLine> parse(String sample) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/ecm-output/" + sample)) {
            assertThat(in).as(sample).isNotNull();
            // fixture headers (# lines) name the GMP-ECM source of every line
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.startsWith("#"))
                    .map(parser::parse).toList();
        }
    }
}
