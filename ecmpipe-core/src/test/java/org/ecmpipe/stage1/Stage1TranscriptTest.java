package org.ecmpipe.stage1;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import org.ecmpipe.ecm.EcmOutputParser;
import org.ecmpipe.ecm.FoundFactor;
import org.ecmpipe.ecm.Sigma;
import org.junit.jupiter.api.Test;

class Stage1TranscriptTest {
    private final EcmOutputParser parser = new EcmOutputParser();

    private Stage1Transcript read(String... lines) {
        Stage1Transcript t = new Stage1Transcript();
        for (String l : lines) {
            t.accept(l, parser.parse(l));
        }
        return t;
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
