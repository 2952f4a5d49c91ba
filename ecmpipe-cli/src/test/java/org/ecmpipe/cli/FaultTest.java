package org.ecmpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ecmpipe.testing.FaultWrappers;
import org.ecmpipe.testing.JsonLines;
import org.ecmpipe.testing.PlantedNumbers;
import org.ecmpipe.testing.RealEcm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A number whose ecm crashes, hangs or prints garbage fails with a clear reason; the batch goes on. */
class FaultTest {
    private final Console console = new Console();

    @TempDir
    Path dir;

    @AfterEach
    void noEcmLeft() {
        assertThat(RealEcm.liveEcmDescendants()).isZero();
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(h -> h.info().command().orElse("").endsWith("sleep"))).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "ecm-stage1-crashes-once|stage 1: ecm exited with code 1 (error): Error: stand-in ecm crashes in stage 1",
            "ecm-stage1-hangs-once|stage 1: stage 1 ran past its timeout of 2 s and was ended",
            "ecm-stage1-garbage-once|stage 1: ecm printed no stage-1 result (exit code 0)"})
    void aFaultyStage1FailsThatNumberOnly(String wrapper, String reason) throws Exception {
        Path ecm = FaultWrappers.install(wrapper, Files.createDirectories(dir.resolve("bin")));
        String faulty = PlantedNumbers.planted(71, 30, 30).n().toString();
        String fine = PlantedNumbers.planted(72, 30, 30).n().toString();
        Path numbers = Files.write(dir.resolve("n.txt"), List.of(faulty, fine));
        // two cores shared by both stages: the first number's first two chunks are the first stage-1 runs (the
        // second number starts when a core has no chunk of the first left to take), so the fault hits the first
        int code = run("run", "--numbers-file", numbers.toString(), "--ecm", ecm.toString(), "--no-gpu", "--b1", "11000",
                "--curves", "4", "--stage2-workers", "1", "--stage1-timeout", "2", "--work-dir", dir.resolve("w").toString(),
                "--no-submit");
        assertThat(code).as(console.err.toString()).isEqualTo(ExitCodes.PARTIAL);
        List<JsonNode> rows = JsonLines.read(dir.resolve("w/results.jsonl"));
        assertThat(rows).hasSize(2);
        // with the CPU's cores shared by both stages, the second number may finish first
        JsonNode failed = rows.stream().filter(r -> r.get("composite").asText().equals(faulty)).findFirst().orElseThrow();
        JsonNode done = rows.stream().filter(r -> r.get("composite").asText().equals(fine)).findFirst().orElseThrow();
        assertThat(failed.get("status").asText()).isEqualTo("failed");
        assertThat(failed.get("reason").asText()).isEqualTo(reason);
        assertThat(done.get("status").asText()).isEqualTo("done");
        assertThat(done.get("stage2_curves").asInt()).isEqualTo(4);
    }

    @Test
    void aMissingOrNonExecutableEcmIsAClearErrorBeforeAnyWork() throws Exception {
        Path numbers = Files.write(dir.resolve("n.txt"), List.of(PlantedNumbers.planted(73, 30, 30).n().toString()));
        String work = dir.resolve("w").toString();
        assertThat(run("run", "--numbers-file", numbers.toString(), "--ecm", dir.resolve("nope").toString(), "--no-gpu",
                "--work-dir", work, "--no-submit")).isEqualTo(ExitCodes.USAGE);
        assertThat(console.err.toString()).contains("nope (from --ecm) does not exist");
        Path notExecutable = Files.writeString(dir.resolve("ecm-text"), "not a program");
        assertThat(run("run", "--numbers-file", numbers.toString(), "--ecm", notExecutable.toString(), "--no-gpu",
                "--work-dir", work, "--no-submit")).isEqualTo(ExitCodes.USAGE);
        assertThat(console.err.toString()).contains("is not an executable file");
        assertThat(Files.exists(dir.resolve("w/results.jsonl"))).isFalse();
    }

    private int run(String... args) {
        return console.run(args);
    }
}
