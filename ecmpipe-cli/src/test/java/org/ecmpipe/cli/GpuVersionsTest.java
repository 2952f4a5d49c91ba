package org.ecmpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.ecmpipe.ecm.EcmLine;
import org.ecmpipe.ecm.EcmOutputParser;
import org.ecmpipe.ecm.CompletedProcess;
import org.ecmpipe.testing.EcmChildren;
import org.ecmpipe.testing.GpuStandIn;
import org.ecmpipe.testing.JsonLines;
import org.ecmpipe.testing.PlantedNumbers;
import org.ecmpipe.testing.RealEcm;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code ecmpipe run} on the GPU stand-in of each GMP-ECM version (a stand-in: no GPU here; it prints that version's
 * exact lines and computes each curve with the real CPU ecm): {@code --curves 3 --gpu-curves 32} records 96 stage-1
 * curves, every factor divides its number and its sigma reproduces it on the real ecm, and numbers that stage 1
 * settles (a composite factor with a prime cofactor, the whole number found) end done without stage 2.
 */
class GpuVersionsTest {
    @RegisterExtension
    final EcmChildren ecmChildren = new EcmChildren();
    private final Console console = new Console();

    @TempDir
    Path dir;

    @ParameterizedTest(name = "GMP-ECM {0}")
    @ValueSource(strings = {"7.0.5", "7.0.6", "master"})
    void everyVersionRecords96CurvesAndTrueSigmasAndSettlesInStage1(String version) throws Exception {
        Path standIn = GpuStandIn.install(dir.resolve("bin"), version);
        PlantedNumbers.Planted nothingSmall = PlantedNumbers.planted(91, 35, 35); // stage 2 runs, finds nothing
        PlantedNumbers.Planted small = PlantedNumbers.planted(92, 6, 35, 40); // p6 found by stage-1 curves; nothing else can be
        BigInteger pq = new BigInteger("1000003").multiply(new BigInteger("1000033")); // found together: composite factor
        BigInteger r = PlantedNumbers.prime(new java.util.Random(93), 30);
        Path numbers = Files.writeString(dir.resolve("n.txt"), nothingSmall.n() + "\n" + small.n() + "\n"
                + pq.multiply(r) + "\n");
        int code = console.run("run", "--ecm", standIn.toString(),
                "--numbers-file", numbers.toString(), "--b1", "11000", "--b2", "2e6", "--curves", "3", "--gpu-curves", "32",
                "--stage2-workers", "2", "--work-dir", dir.resolve("w").toString(), "--no-submit");
        assertThat(code).as(console.err.toString()).isEqualTo(ExitCodes.OK);
        List<JsonNode> rows = JsonLines.read(dir.resolve("w/results.jsonl"));
        assertThat(rows).hasSize(3).allSatisfy(row -> {
            assertThat(row.get("status").asText()).isEqualTo("done");
            assertThat(row.get("stage1_device").asText()).isEqualTo("gpu");
            assertFactorsDivideWithReproducingSigmas(row);
        });
        assertThat(rows.get(0).get("curves").asInt()).isEqualTo(96);
        assertThat(rows.get(0).get("stage2_curves").asInt()).isEqualTo(96);
        assertThat(rows.get(1).get("curves").asInt()).isEqualTo(96);
        assertThat(rows.get(1).get("factors")).anySatisfy(f -> assertThat(f.get("factor").asText()).isEqualTo(small.smallest().toString()));
        JsonNode settled = rows.get(2);
        assertThat(settled.get("cofactor_prime").asBoolean()).isTrue();
        assertThat(settled.get("stage2_curves").asInt()).as("nothing left for stage 2").isZero();
        List<String> found = new java.util.ArrayList<>();
        settled.get("factors").forEach(f -> found.add(f.get("factor").asText()));
        // split by the curve that found p*q, unless (random sigmas) no B1 separates p and q on it: then kept whole
        boolean split = found.contains("1000003") && found.contains("1000033");
        assertThat(split || found.contains(pq.toString())).as("factors %s", found).isTrue();
    }

    private void assertFactorsDivideWithReproducingSigmas(JsonNode row) {
        BigInteger n = new BigInteger(row.get("composite").asText());
        for (JsonNode f : row.get("factors")) {
            BigInteger factor = new BigInteger(f.get("factor").asText());
            assertThat(n.mod(factor)).isZero();
            if (f.get("stage").asInt() == 1 && !f.get("sigma").isNull()) {
                String sigma = f.get("sigma").asText();
                CompletedProcess run = CompletedProcess.run(ecmChildren.children(), List.of(RealEcm.path().toString(), "-sigma", sigma,
                        "11000", "0"), n + "\n", Duration.ofMinutes(1), l -> { });
                EcmOutputParser parser = new EcmOutputParser();
                assertThat(run.stdout().stream().map(parser::parse).filter(EcmLine.FactorFound.class::isInstance)
                        .map(l -> ((EcmLine.FactorFound) l).factor()))
                        .as("sigma %s finds (a part of) %s again", sigma, factor)
                        .anySatisfy(found -> assertThat(found.gcd(factor)).isGreaterThan(BigInteger.ONE));
            }
        }
    }
}
