package org.ecmpipe.stage1;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import org.ecmpipe.ecm.EcmOutputParser;
import org.ecmpipe.ecm.FoundFactor;
import org.ecmpipe.ecm.Sigma;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Stage1TranscriptTest {
    private final EcmOutputParser parser = new EcmOutputParser();

    private Stage1Transcript read(String... lines) {
        Stage1Transcript t = new Stage1Transcript();
        for (String l : lines) {
            t.accept(l, parser.parse(l));
        }
        return t;
    }

    private Stage1Transcript fixture(String name) throws java.io.IOException {
        try (java.io.InputStream in = getClass().getResourceAsStream("/ecm-output/" + name)) {
            assertThat(in).as(name).isNotNull();
            return read(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.startsWith("#")).toArray(String[]::new));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"7.0.5", "7.0.6", "master"})
    void versionFixturesAddUp(String version) throws Exception {
        Stage1Transcript batches = fixture("gpu-" + version + "-batches-one-curve.txt");
        assertThat(batches.problem()).isNull();
        assertThat(batches.curves()).isEqualTo(96);
        assertThat(batches.factors()).containsExactly(new FoundFactor(new BigInteger("100000000003"), 1, Sigma.of(3, 3538350001L)));

        Stage1Transcript composite = fixture("gpu-" + version + "-composite-factor-prime-cofactor.txt");
        assertThat(composite.problem()).isNull();
        assertThat(composite.curves()).isEqualTo(32);
        assertThat(composite.factors()).containsExactly(new FoundFactor(new BigInteger("10002200057"), 1, Sigma.of(3, 3061498801L)));

        Stage1Transcript whole = fixture("gpu-" + version + "-whole-number.txt");
        assertThat(whole.problem()).isNull();
        assertThat(whole.inputNumberFound()).isTrue();
        assertThat(whole.factors()).extracting(FoundFactor::factor).containsExactly(new BigInteger("10002200057"));

        Stage1Transcript verbose = fixture("gpu-" + version + "-verbose-large-b1.txt");
        assertThat(verbose.problem()).isNull();
        assertThat(verbose.curves()).isEqualTo(4352);
        assertThat(verbose.factors()).isEmpty();
    }

    @Test
    void aBatchSizeDisagreementIsAnErrorNamingBothLines() {
        Stage1Transcript t = read("Using B1=11000, B2=0, sigma=3:100-131 (32 curves)",
                "Computing 64 Step 1 took 5ms of CPU time / 50ms of GPU time");
        assertThat(t.problem()).contains("`Using B1=11000, B2=0, sigma=3:100-131 (32 curves)`",
                "`Computing 64 Step 1 took 5ms of CPU time / 50ms of GPU time`");
    }

    @Test
    void eachReducedFactorGetsTheTrueSigmaOfTheCurveThatFoundIt() {
        Stage1Transcript t = read("Using B1=11000, B2=0, sigma=3:3000000000-3:3000000031 (32 curves)",
                "GPU: factor 77 found in Step 1 with curve 17 (-sigma 3:-1294967279)",
                "Computing 32 Step 1 took 5ms of CPU time / 50ms of GPU time",
                "********** Factor found in step 1: 7",
                "********** Factor found in step 1: 11");
        assertThat(t.problem()).isNull();
        assertThat(t.curves()).isEqualTo(32);
        assertThat(t.factors()).containsExactly(new FoundFactor(BigInteger.valueOf(7), 1, Sigma.of(3, 3000000017L)),
                new FoundFactor(BigInteger.valueOf(11), 1, Sigma.of(3, 3000000017L)));
    }

    @Test
    void aSigmaThatIsNotFirstPlusCurveIndexIsAnError() {
        Stage1Transcript t = read("Using B1=11000, B2=0, sigma=3:100-131 (32 curves)",
                "GPU: factor 77 found in Step 1 with curve 3 (-sigma 3:100)");
        assertThat(t.problem()).contains("curve 3", "3:103");
    }

    @Test
    void aBannerWithoutItsTimingLineIsAnError() {
        assertThat(read("Using B1=11000, B2=0, sigma=3:100-131 (32 curves)").problem()).contains("no `Computing 32 Step 1 took`");
        assertThat(read(List.of("Using B1=11000, B2=0, sigma=3:100-131 (32 curves)",
                "GPU: factor 77 found in Step 1 with curve 40 (-sigma 3:140)").toArray(String[]::new)).problem())
                .contains("curves 0 to 31");
    }
}
