package org.ecmpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.ecmpipe.ecm.ChildProcesses;
import org.ecmpipe.ecm.EcmBinary;
import org.ecmpipe.ecm.EcmLine;
import org.ecmpipe.ecm.EcmOutputParser;
import org.ecmpipe.ecm.CompletedProcess;
import org.ecmpipe.testing.GpuStandIn;
import org.ecmpipe.testing.EcmChildren;
import org.ecmpipe.testing.JsonLines;
import org.ecmpipe.testing.PlantedNumbers;
import org.ecmpipe.testing.RealEcm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code ecmpipe run} end to end on planted-factor batches, with the real ecm (and the GPU stand-in). */
class RunCommandTest {
    private static final long B1 = 11000;
    private static final int CURVES = 32;

    @RegisterExtension
    final EcmChildren ecmChildren = new EcmChildren();
    private final Console console = new Console();

    @TempDir
    Path dir;


    /**
     * One p7 to p9 factor per number (one-shot ecm finds it with near certainty at these bounds; two in one number
     * could come out as one composite factor) next to p30+ cofactors, and one number with nothing to find.
     */
    private List<PlantedNumbers.Planted> batch() {
        return List.of(PlantedNumbers.planted(41, 7, 30, 35), PlantedNumbers.planted(42, 9, 40),
                PlantedNumbers.planted(43, 8, 33), PlantedNumbers.planted(44, 30, 31));
    }

    @Test
    void cpuModeFindsWhatOneShotEcmFinds() throws Exception {
        List<PlantedNumbers.Planted> planted = batch();
        Set<BigInteger> expected = oneShotFinds(planted);
        assertThat(expected).as("one-shot ecm finds the small planted primes").hasSize(3);
        Path numbers = numbersFile(planted);

        int code = run("run", "--numbers-file", numbers.toString(), "--no-gpu", "--b1", "11e3", "--curves",
                String.valueOf(CURVES), "--stage2-workers", "2", "--stage1-workers", "2", "--continue-after-factor",
                "--work-dir", dir.resolve("w").toString(), "--no-submit");

        assertThat(code).as(console.err.toString()).isEqualTo(ExitCodes.OK);
        List<JsonNode> rows = JsonLines.read(dir.resolve("w/results.jsonl"));
        assertThat(rows).hasSize(planted.size());
        assertThat(foundFactors(rows)).containsAll(expected);
        for (JsonNode row : rows) {
            assertThat(row.get("status").asText()).isEqualTo("done");
            // ecm stops early once the cofactor is prime; otherwise every curve runs
            if (row.get("cofactor_prime").asBoolean()) {
                assertThat(row.get("curves").asInt()).isBetween(1, CURVES);
            } else {
                assertThat(row.get("curves").asInt()).isEqualTo(CURVES);
            }
            assertThat(row.get("param").asInt()).isEqualTo(3);
            assertThat(row.get("stage1_reused").asBoolean()).isFalse();
            verifyFactorsDivide(row);
        }
        assertThat(console.out.toString()).contains("numbers done: 4 of 4 (0 failed)", "CPU stage-1 busy", "CPU stage-2 busy");
        assertThat(Files.readString(dir.resolve("w/ecmpipe.log")))
                .contains("[CPU stage-1 Thread] [1/4] Starting stage 1 for", "passing to CPU thread",
                        "[CPU Thread] [1/4]", "Pipeline Stats: 4/4 complete");
    }

    @Test
    void gpuModeOnTheStandInFindsWhatOneShotEcmFinds() throws Exception {
        List<PlantedNumbers.Planted> planted = batch();
        Set<BigInteger> expected = oneShotFinds(planted);
        Path numbers = numbersFile(planted);
        Path standIn = GpuStandIn.install(dir.resolve("bin"));
        Files.writeString(dir.resolve("ecmpipe.yaml"), """
                ecm:
                  path: %s
                gpu:
                  device: "0,1"
                  curves: %d
                  cgbn: true
                """.formatted(standIn, CURVES));

        int code = run("run", "--config", dir.resolve("ecmpipe.yaml").toString(), "--numbers-file", numbers.toString(),
                "--b1", "11000", "--stage2-workers", "2", "--continue-after-factor", "--work-dir", dir.resolve("w").toString(),
                "--no-submit");

        assertThat(code).as(console.err.toString()).isEqualTo(ExitCodes.OK);
        List<JsonNode> rows = JsonLines.read(dir.resolve("w/results.jsonl"));
        assertThat(rows).hasSize(planted.size());
        assertThat(foundFactors(rows)).containsAll(expected);
        for (JsonNode row : rows) {
            assertThat(row.get("curves").asInt()).as("--curves 1 is one GPU batch").isEqualTo(CURVES);
            verifyFactorsDivide(row);
        }
        String log = Files.readString(dir.resolve("w/ecmpipe.log"));
        assertThat(log).contains("[GPU 0 Thread]", "[GPU 1 Thread]", "Stage 1 complete in");
    }

    @Test
    void badLinesStopTheRunBeforeAnyWorkUnlessSkipped() throws Exception {
        Path numbers = Files.writeString(dir.resolve("n.txt"), """
                # a comment
                %s
                12x4
                (10^5-1)/7
                %s
                0
                """.formatted(PlantedNumbers.planted(1, 8, 20).n(), PlantedNumbers.planted(1, 8, 20).n()));
        String work = dir.resolve("w").toString();
        assertThat(run("run", "--numbers-file", numbers.toString(), "--no-gpu", "--b1", "11000", "--work-dir", work))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(console.err.toString()).contains("line 3: not a number: unexpected 'x'", "line 4: not a number: division is not exact",
                "line 6: must be greater than 1", "3 bad line(s)", "nothing was started");
        assertThat(Files.exists(dir.resolve("w/results.jsonl"))).isFalse();

        assertThat(run("run", "--numbers-file", numbers.toString(), "--no-gpu", "--b1", "11000", "--curves", "8",
                "--work-dir", work, "--no-submit", "--skip-invalid")).isEqualTo(ExitCodes.PARTIAL);
        assertThat(JsonLines.read(dir.resolve("w/results.jsonl"))).hasSize(1); // the duplicate on line 5 runs once
        assertThat(Files.readString(dir.resolve("w/ecmpipe.log"))).contains("line 5 repeats the number of line 2");
    }

    @Test
    void configAndCommandLinePrecedenceAndErrors() throws Exception {
        Path numbers = Files.writeString(dir.resolve("n.txt"), PlantedNumbers.planted(3, 30, 30).n() + "\n");
        Path config = Files.writeString(dir.resolve("c.yaml"), "ecm:\n  b2: 0\n");
        String work = dir.resolve("w").toString();
        assertThat(run("run", "--config", config.toString(), "--numbers-file", numbers.toString(), "--no-gpu", "--b1", "11000",
                "--curves", "4", "--work-dir", work, "--no-submit")).isEqualTo(ExitCodes.OK);
        JsonNode stage1Only = JsonLines.read(dir.resolve("w/results.jsonl")).getFirst();
        assertThat(stage1Only.get("b2").asText()).isEqualTo("0");
        assertThat(stage1Only.get("stage2_curves").asInt()).isZero();

        assertThat(run("run", "--config", config.toString(), "--b2", "3e6", "--numbers-file", numbers.toString(), "--no-gpu",
                "--b1", "11000", "--curves", "4", "--work-dir", dir.resolve("w2").toString(), "--no-submit")).isEqualTo(ExitCodes.OK);
        JsonNode overridden = JsonLines.read(dir.resolve("w2/results.jsonl")).getFirst();
        assertThat(overridden.get("b2").asText()).isEqualTo("3000000");
        assertThat(overridden.get("stage2_curves").asInt()).isEqualTo(4);

        Path typo = Files.writeString(dir.resolve("typo.yaml"), "ecm:\n  path: /usr/bin/ecm\n  bb2: 5\n");
        assertThat(run("run", "--config", typo.toString(), "--numbers-file", numbers.toString(), "--no-gpu")).isEqualTo(ExitCodes.USAGE);
        assertThat(console.err.toString()).contains("typo.yaml line 3: unknown key 'ecm.bb2'");

        assertThat(run("run", "--numbers-file", numbers.toString(), "--b1", "11000", "--work-dir", work)).isEqualTo(ExitCodes.USAGE);
        assertThat(console.err.toString()).contains("is not a GPU build", "--no-gpu");
        assertThat(run("run", "--numbers-file", numbers.toString(), "--b1", "-5", "--no-gpu")).isEqualTo(ExitCodes.USAGE);
        assertThat(run("run", "--numbers-file", dir.resolve("none.txt").toString(), "--no-gpu")).isEqualTo(ExitCodes.USAGE);
        assertThat(console.err.toString()).contains("none.txt does not exist");
    }

    @Test
    void aChangedB1IsRefusedWhileUnfinishedResiduesRemainUnlessRestart() throws Exception {
        BigInteger n = PlantedNumbers.planted(5, 30, 30).n();
        Path numbers = Files.writeString(dir.resolve("n.txt"), n + "\n");
        Path work = dir.resolve("w");
        // what a run at B1=11000 that died after stage 1 leaves behind (the journal's documented line format)
        Files.createDirectories(work);
        Files.writeString(work.resolve("journal.jsonl"), """
                {"event":"run_started","at":"2026-11-24T08:00:00Z","b1":11000,"param":3,"curves":4,"numbersFile":"n.txt","pid":1}
                {"event":"stage1_done","at":"2026-11-24T08:00:01Z","number":"%s","residueFile":"%s","sha256":null,"curves":4,                "seconds":0.1,"factors":[],"ecmVersion":"7.0.5"}
                """.formatted(n, work.resolve("residues/old.sav")));
        String[] at12000 = {"run", "--numbers-file", numbers.toString(), "--no-gpu", "--b1", "12000", "--curves", "4",
                "--work-dir", work.toString(), "--no-submit"};
        assertThat(run(at12000)).isEqualTo(ExitCodes.USAGE);
        assertThat(console.err.toString()).contains("holds stage-1 residues at B1=11000", "this run asks for B1=12000", "--restart");
        assertThat(Files.exists(work.resolve("results.jsonl"))).isFalse();

        String[] restart = java.util.stream.Stream.concat(java.util.Arrays.stream(at12000), java.util.stream.Stream.of("--restart"))
                .toArray(String[]::new);
        assertThat(run(restart)).as(console.err.toString()).isEqualTo(ExitCodes.OK);
        assertThat(JsonLines.read(work.resolve("results.jsonl"))).singleElement()
                .satisfies(r -> assertThat(r.get("b1").asLong()).isEqualTo(12000));
        try (var files = Files.list(work)) {
            assertThat(files.map(f -> f.getFileName().toString())).anyMatch(f -> f.matches("journal\\.\\d{8}-\\d{6}\\.jsonl"));
        }
        // and the same command again: nothing to redo
        assertThat(run(at12000)).isEqualTo(ExitCodes.OK);
        assertThat(JsonLines.read(work.resolve("results.jsonl"))).hasSize(1);
    }

    private Set<BigInteger> oneShotFinds(List<PlantedNumbers.Planted> planted) {
        EcmBinary ecm = ecmChildren.realEcm();
        EcmOutputParser parser = new EcmOutputParser();
        Set<BigInteger> found = new HashSet<>();
        for (PlantedNumbers.Planted p : planted) {
            CompletedProcess run = CompletedProcess.run(ecmChildren.children(), List.of(ecm.path().toString(), "-param", "3", "-c",
                    String.valueOf(CURVES), String.valueOf(B1)), p.n() + "\n", Duration.ofMinutes(2), l -> { });
            for (String line : run.stdout()) {
                // the small planted primes only: a p30 falls to 1 in ~150000 curves at B1=11000, and the run need
                // not repeat a one-shot's luck
                if (parser.parse(line) instanceof EcmLine.FactorFound f && p.primes().contains(f.factor())
                        && f.factor().toString().length() < 12) {
                    found.add(f.factor());
                }
            }
        }
        return found;
    }

    private Path numbersFile(List<PlantedNumbers.Planted> planted) throws Exception {
        List<String> lines = new ArrayList<>(List.of("# planted-factor batch"));
        planted.forEach(p -> lines.add(p.n().toString()));
        return Files.write(dir.resolve("numbers.txt"), lines);
    }

    private static Set<BigInteger> foundFactors(List<JsonNode> rows) {
        Set<BigInteger> found = new HashSet<>();
        rows.forEach(r -> r.get("factors").forEach(f -> found.add(new BigInteger(f.get("factor").asText()))));
        return found;
    }

    private static void verifyFactorsDivide(JsonNode row) {
        BigInteger n = new BigInteger(row.get("composite").asText());
        BigInteger product = new BigInteger(row.get("cofactor").asText());
        for (JsonNode f : row.get("factors")) {
            BigInteger factor = new BigInteger(f.get("factor").asText());
            assertThat(n.mod(factor)).isZero();
            product = product.multiply(factor.pow(f.has("exponent") ? f.get("exponent").asInt() : 1));
        }
        assertThat(product).as("factors times cofactor give the number").isEqualTo(n);
    }

    private int run(String... args) {
        return console.run(args);
    }
}
