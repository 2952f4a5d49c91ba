package org.ecmpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ecmpipe.ecm.ChildProcesses;
import org.ecmpipe.ecm.EcmBinary;
import org.ecmpipe.residue.Residue;
import org.ecmpipe.stage1.CpuStage1Engine;
import org.ecmpipe.testing.EcmChildren;
import org.ecmpipe.testing.JsonLines;
import org.ecmpipe.testing.PlantedNumbers;
import org.ecmpipe.testing.RealEcm;
import org.ecmpipe.testing.SingleCurveResidues;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code ecmpipe stage2} end to end, with the real ecm. */
class Stage2CommandTest {
    @RegisterExtension
    final EcmChildren ecmChildren = new EcmChildren();
    private final Console console = new Console();

    @TempDir
    Path dir;


    @Test
    void runsEveryNumberOfAFileSkipsBadLinesAndWritesOneResultEach() throws Exception {
        EcmBinary ecm = ecmChildren.realEcm();
        PlantedNumbers.Planted first = PlantedNumbers.planted(11, 12, 30, 35);
        PlantedNumbers.Planted second = PlantedNumbers.planted(12, 40, 45); // nothing to find at B1=11000
        CpuStage1Engine stage1 = new CpuStage1Engine(ecm, ecmChildren.children(), 3);
        List<String> lines = new ArrayList<>();
        SingleCurveResidues.make(stage1, first.n(), 11000, 12, dir.resolve("a")).stream().map(Residue::line).forEach(lines::add);
        String good = lines.getFirst();
        lines.add(good.replaceFirst("CHECKSUM=\\d+", "CHECKSUM=12345"));
        lines.add("junk");
        SingleCurveResidues.make(stage1, second.n(), 11000, 4, dir.resolve("b")).stream().map(Residue::line).forEach(lines::add);
        Path file = Files.write(dir.resolve("in.sav"), lines);
        Path results = dir.resolve("results.jsonl");

        int code = run("stage2", "--resume", file.toString(), "--workers", "2", "--b2", "5e7", "--continue-after-factor",
                "--results", results.toString(), "--work-dir", dir.resolve("work").toString(), "--no-submit");

        assertThat(code).as(console.err.toString()).isEqualTo(ExitCodes.PARTIAL); // two bad lines were skipped
        assertThat(console.out.toString()).contains("2 number(s), 0 failed, 2 residue line(s) skipped");
        List<JsonNode> rows = JsonLines.read(results);
        assertThat(rows).hasSize(2);
        JsonNode a = rows.getFirst();
        assertThat(a.get("composite").asText()).isEqualTo(first.n().toString());
        assertThat(a.get("status").asText()).isEqualTo("done");
        assertThat(a.get("factors")).anySatisfy(f -> {
            assertThat(f.get("factor").asText()).isEqualTo(first.smallest().toString());
            assertThat(f.get("prime").asBoolean()).isTrue();
        });
        assertThat(a.get("b1").asLong()).isEqualTo(11000);
        assertThat(a.get("b2").asText()).isEqualTo("50000000");
        assertThat(a.get("param").asInt()).isEqualTo(3);
        assertThat(a.get("curves").asInt()).isEqualTo(12);
        assertThat(a.get("ecm_version").asText()).isEqualTo(ecm.version());
        for (String field : List.of("composite", "status", "factors", "cofactor", "cofactor_prime", "b1", "b2", "param",
                "curves", "stage2_curves", "stage1_seconds", "stage2_seconds", "stage1_reused", "started_at",
                "finished_at", "ecm_version")) {
            assertThat(a.has(field)).as(field).isTrue();
        }
        JsonNode b = rows.get(1);
        assertThat(b.get("composite").asText()).isEqualTo(second.n().toString());
        assertThat(b.get("factors")).isEmpty();
        assertThat(b.get("stage2_curves").asInt()).isEqualTo(4);
        assertThat(b.get("cofactor").asText()).isEqualTo(second.n().toString());
        assertThat(Files.readString(dir.resolve("work/ecmpipe.log")))
                .contains("line 13: bad checksum 12345", "line 14: no 'TAG=value' in 'junk'");
    }

    @Test
    void inputAndUsageErrorsExitWith2BeforeAnyWork() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.sav"), "nothing here\nN=5\n");
        String work = dir.resolve("w").toString();
        assertThat(run("stage2", "--resume", dir.resolve("missing.sav").toString(), "--work-dir", work)).isEqualTo(ExitCodes.USAGE);
        assertThat(console.err.toString()).contains("missing.sav does not exist");
        assertThat(run("stage2", "--resume", junk.toString(), "--work-dir", work)).isEqualTo(ExitCodes.USAGE);
        assertThat(console.err.toString()).contains("holds no usable residue line");
        assertThat(run("stage2", "--resume", junk.toString(), "--workers", "0")).isEqualTo(ExitCodes.USAGE);
        assertThat(run("stage2", "--resume", junk.toString(), "--b2", "12x")).isEqualTo(ExitCodes.USAGE);
        assertThat(console.err.toString()).contains("--b2: '12x' is not a number");
        assertThat(run("stage2", "--no-such-option")).isEqualTo(ExitCodes.USAGE);
        assertThat(Files.exists(dir.resolve("w/results.jsonl"))).isFalse();
    }

    @Test
    void aMissingEcmIsAClearErrorBeforeAnyWork() throws Exception {
        Path sav = Files.writeString(dir.resolve("one.sav"), org.ecmpipe.residue.ResidueFormat.ecmLine(3,
                java.math.BigInteger.valueOf(1234), 11000, PlantedNumbers.planted(3, 20, 20).n(), java.math.BigInteger.TEN,
                "GMP-ECM 7.0.5") + "\n");
        assertThat(run("stage2", "--resume", sav.toString(), "--ecm", dir.resolve("no-ecm").toString(),
                "--work-dir", dir.resolve("w").toString())).isEqualTo(ExitCodes.USAGE);
        assertThat(console.err.toString()).contains("no-ecm", "does not exist");
    }

    private int run(String... args) {
        return console.run(args);
    }
}
