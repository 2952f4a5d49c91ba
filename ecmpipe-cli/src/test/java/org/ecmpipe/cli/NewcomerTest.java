package org.ecmpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ecmpipe.testing.EcmChildren;
import org.ecmpipe.testing.FaultWrappers;
import org.ecmpipe.testing.JsonLines;
import org.ecmpipe.testing.PlantedNumbers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a new user does in the first week, through the real command and the real ecm: step up B1 in the same work
 * dir, lose an ecm to a signal, read factors off the summary, pipe numbers in.
 */
class NewcomerTest {
    @RegisterExtension
    final EcmChildren ecmChildren = new EcmChildren();
    private final Console console = new Console();

    @TempDir
    Path dir;

    private int run(String... args) {
        return console.runAfresh(args);
    }

    @Test
    void aStepUpInTheSameWorkDirWorksOnWhatIsLeftAndListsWhatIsFactored() throws Exception {
        PlantedNumbers.Planted factored = PlantedNumbers.planted(41, 9, 25); // p9 found: cofactor p25 is prime
        PlantedNumbers.Planted partly = PlantedNumbers.planted(42, 9, 40, 40); // p9 found: c80 left (a p30 would fall to 1 in ~5000 curves at B1=50000)
        Path numbers = Files.writeString(dir.resolve("n.txt"), factored.n() + "\n" + partly.n() + "\n");
        String work = dir.resolve("w").toString();
        String[] common = {"run", "--numbers-file", numbers.toString(), "--no-gpu", "--curves", "16", "--stage2-workers", "2",
                "--work-dir", work, "--no-submit"};
        assertThat(run(concat(common, "--b1", "11000"))).as(console.err.toString()).isEqualTo(ExitCodes.OK);
        List<JsonNode> first = JsonLines.read(dir.resolve("w/results.jsonl"));
        assertThat(first).hasSize(2);
        assertThat(first.get(1).get("cofactor_prime").asBoolean()).isFalse();

        // the usual step-up: same numbers, higher B1, same work dir
        assertThat(run(concat(common, "--b1", "50000"))).as(console.err.toString()).isEqualTo(ExitCodes.OK);
        List<JsonNode> rows = JsonLines.read(dir.resolve("w/results.jsonl"));
        assertThat(rows).hasSize(3);
        JsonNode stepped = rows.get(2);
        assertThat(stepped.get("composite").asText()).isEqualTo(partly.n().toString());
        assertThat(stepped.get("b1").asLong()).isEqualTo(50000);
        assertThat(stepped.get("curves").asInt()).isEqualTo(16);
        // the factor found at B1=11000 is still listed, and the cofactor is what was left
        assertThat(stepped.get("factors")).anySatisfy(f -> assertThat(f.get("factor").asText())
                .isEqualTo(partly.smallest().toString()));
        assertThat(console.out.toString()).contains("(earlier run)", factored.primes().get(1).toString());

        // and the same step-up again: nothing to redo
        assertThat(run(concat(common, "--b1", "50000"))).isEqualTo(ExitCodes.OK);
        assertThat(JsonLines.read(dir.resolve("w/results.jsonl"))).hasSize(3);
        assertThat(console.out.toString()).contains("2 from earlier runs");
    }

    @Test
    void anEcmKilledByASignalIsRetriedAndAFailureIsReportedByEveryRerunUntilRetried() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path killedOnce = FaultWrappers.install("ecm-stage1-killed-once", bin);
        PlantedNumbers.Planted a = PlantedNumbers.planted(51, 30, 30);
        Path numbers = Files.writeString(dir.resolve("n.txt"), a.n() + "\n");
        assertThat(run("run", "--numbers-file", numbers.toString(), "--ecm", killedOnce.toString(), "--no-gpu", "--b1",
                "11000", "--curves", "4", "--work-dir", dir.resolve("w1").toString(), "--no-submit"))
                .as(console.err.toString()).isEqualTo(ExitCodes.OK);
        assertThat(JsonLines.read(dir.resolve("w1/results.jsonl"))).singleElement()
                .satisfies(r -> assertThat(r.get("status").asText()).isEqualTo("done"));
        assertThat(Files.readString(dir.resolve("w1/ecmpipe.log"))).contains("killed by signal 9", "trying again (2 of 3)");

        Path alwaysKilled = FaultWrappers.install("ecm-stage1-always-killed", bin);
        Files.writeString(bin.resolve("KILLED_NUMBER"), a.n().toString());
        String[] args = {"run", "--numbers-file", numbers.toString(), "--ecm", alwaysKilled.toString(), "--no-gpu", "--b1",
                "11000", "--curves", "4", "--work-dir", dir.resolve("w2").toString(), "--no-submit"};
        assertThat(run(args)).isEqualTo(ExitCodes.PARTIAL);
        JsonNode failed = JsonLines.read(dir.resolve("w2/results.jsonl")).getFirst();
        assertThat(failed.get("status").asText()).isEqualTo("failed");
        assertThat(failed.get("reason_code").asText()).isEqualTo("stage1_failed");
        assertThat(failed.get("reason").asText()).contains("killed by signal 9");

        // a re-run does not hide it: listed as failed, exit 3, and how to try again
        assertThat(run(args)).isEqualTo(ExitCodes.PARTIAL);
        assertThat(console.out.toString()).contains("failed", "(earlier run)", "--retry-failed");
        assertThat(JsonLines.read(dir.resolve("w2/results.jsonl"))).hasSize(1);

        Files.delete(bin.resolve("KILLED_NUMBER")); // the cause went away
        assertThat(run(concat(args, "--retry-failed"))).as(console.err.toString()).isEqualTo(ExitCodes.OK);
        List<JsonNode> rows = JsonLines.read(dir.resolve("w2/results.jsonl"));
        assertThat(rows).hasSize(2);
        assertThat(rows.get(1).get("status").asText()).isEqualTo("done");
    }

    @Test
    void theSummaryShowsEveryFactorInFullTheInputAsWrittenAndWhereTheResultsAre() throws Exception {
        PlantedNumbers.Planted big = PlantedNumbers.planted(61, 9, 22, 40); // p9 and, by luck of curves, maybe p22
        String input = "# from stdin\n2^67-1\n" + big.n() + "\n";
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
            assertThat(run("run", "--numbers-file", "-", "--no-gpu", "--b1", "11000", "--curves", "24", "--work-dir",
                    dir.resolve("w").toString(), "--no-submit")).as(console.err.toString()).isEqualTo(ExitCodes.OK);
        } finally {
            System.setIn(stdin);
        }
        String summary = console.out.toString();
        assertThat(summary).contains("2^67-1 = 193707721 * 761838257287");
        assertThat(summary).contains(big.smallest().toString());
        assertThat(summary).contains("results: " + dir.resolve("w/results.jsonl"));
        JsonNode mersenne = JsonLines.read(dir.resolve("w/results.jsonl")).getFirst();
        assertThat(mersenne.get("input").asText()).isEqualTo("2^67-1");
        assertThat(new BigInteger(mersenne.get("composite").asText())).isEqualTo(BigInteger.TWO.pow(67).subtract(BigInteger.ONE));
    }

    @Test
    void aTargetTLevelRunsRoundsUntilEveryNumberReachesItAndARerunSaysSo() throws Exception {
        PlantedNumbers.Planted hard = PlantedNumbers.planted(71, 35, 35); // nothing a t22 run could find
        Path numbers = Files.writeString(dir.resolve("n.txt"), hard.n() + "\n");
        String[] args = {"run", "--numbers-file", numbers.toString(), "--no-gpu", "--target-t", "22", "--stage2-workers",
                "2", "--work-dir", dir.resolve("w").toString(), "--no-submit"};
        assertThat(run(args)).as(console.err.toString()).isEqualTo(ExitCodes.OK);
        List<JsonNode> rows = JsonLines.read(dir.resolve("w/results.jsonl"));
        assertThat(rows).hasSizeGreaterThanOrEqualTo(2); // a round at the t20 rung, then one at the t25 rung
        assertThat(rows.get(0).get("b1").asLong()).isEqualTo(11000);
        assertThat(rows.getLast().get("b1").asLong()).isEqualTo(50000);
        java.util.List<org.ecmpipe.tlevel.WorkItem> work = new java.util.ArrayList<>();
        org.ecmpipe.result.ResultsFile.read(dir.resolve("w/results.jsonl")).results().forEach(r -> work.addAll(r.work()));
        assertThat(org.ecmpipe.tlevel.TLevel.of(work)).isGreaterThanOrEqualTo(22.0);
        assertThat(rows).allSatisfy(r -> assertThat(r.get("t_level").asDouble()).isPositive());
        assertThat(console.out.toString()).contains("t-level");

        assertThat(run(args)).isEqualTo(ExitCodes.OK);
        assertThat(JsonLines.read(dir.resolve("w/results.jsonl"))).hasSize(rows.size());
        assertThat(Files.readString(dir.resolve("w/ecmpipe.log"))).contains("(target t22.00): skipped");
    }

    @Test
    void onTheCpuWithoutB1OrCurvesEachNumberIsWorkedToTheTLevelItsSizeCallsFor() throws Exception {
        PlantedNumbers.Planted c50 = PlantedNumbers.planted(81, 25, 25); // 4/13 of 50 digits is t15.4: t20 at least
        Path numbers = Files.writeString(dir.resolve("n.txt"), c50.n() + "\n");
        assertThat(run("run", "--numbers-file", numbers.toString(), "--no-gpu", "--stage2-workers", "2", "--work-dir",
                dir.resolve("w").toString(), "--no-submit")).as(console.err.toString()).isEqualTo(ExitCodes.OK);
        List<JsonNode> rows = JsonLines.read(dir.resolve("w/results.jsonl"));
        assertThat(rows).isNotEmpty().allSatisfy(r -> assertThat(r.get("b1").asLong()).isEqualTo(11000));
        if (rows.getLast().get("cofactor_prime").asBoolean()) {
            return; // a p25 found on the way settles it: nothing more to check
        }
        java.util.List<org.ecmpipe.tlevel.WorkItem> work = new java.util.ArrayList<>();
        org.ecmpipe.result.ResultsFile.read(dir.resolve("w/results.jsonl")).results().forEach(r -> work.addAll(r.work()));
        assertThat(org.ecmpipe.tlevel.TLevel.of(work)).isBetween(20.0, 21.0);
        assertThat(Files.readString(dir.resolve("w/ecmpipe.log"))).contains("4/13 of its digits");
    }

    @Test
    void b2AutoStartsAtTheDefaultAndMovesItTowardsStage1sTime() throws Exception {
        StringBuilder numbers = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            numbers.append(PlantedNumbers.planted(600 + i, 35, 35).n()).append('\n');
        }
        Path file = Files.writeString(dir.resolve("n.txt"), numbers);
        // stage 1 (24 curves at B1=50000 on one process) takes far longer than stage 2 at the default B2 on 2 workers
        assertThat(run("run", "--numbers-file", file.toString(), "--no-gpu", "--b1", "50000", "--curves", "24", "--b2", "auto",
                "--stage2-workers", "2", "--work-dir", dir.resolve("w").toString(), "--no-submit"))
                .as(console.err.toString()).isEqualTo(ExitCodes.OK);
        List<JsonNode> rows = JsonLines.read(dir.resolve("w/results.jsonl"));
        assertThat(rows).hasSize(3);
        BigInteger first = new BigInteger(rows.get(0).get("b2").asText());
        assertThat(first).isEqualTo(org.ecmpipe.tlevel.TLevel.defaultB2(50000));
        assertThat(rows).allSatisfy(r -> assertThat(r.has("b2_default")).isFalse());
        assertThat(Files.readString(dir.resolve("w/ecmpipe.log"))).contains("B2 auto: stage 1");
        assertThat(new BigInteger(rows.get(2).get("b2").asText())).isNotEqualTo(first);
    }

    @Test
    void aCurveEcmReportedIsReproducedWithSigma() throws Exception {
        PlantedNumbers.Planted planted = PlantedNumbers.planted(95, 8, 40, 40); // p40s: the p8 is the first factor
        Path numbers = Files.writeString(dir.resolve("n.txt"), planted.n() + "\n");
        assertThat(run("run", "--numbers-file", numbers.toString(), "--no-gpu", "--b1", "11000", "--curves", "24",
                "--stage2-workers", "2", "--continue-after-factor", "--work-dir", dir.resolve("w1").toString(), "--no-submit"))
                .as(console.err.toString()).isEqualTo(ExitCodes.OK);
        JsonNode found = JsonLines.read(dir.resolve("w1/results.jsonl")).getFirst().get("factors").get(0);
        assertThat(found.get("factor").asText()).isEqualTo(planted.smallest().toString());
        String sigma = found.get("sigma").asText();
        String b2 = found.get("stage").asInt() == 1 ? "0" : "1873422";
        assertThat(run("run", "--numbers-file", numbers.toString(), "--no-gpu", "--b1", "11000", "--b2", b2, "--curves", "1",
                "--sigma", sigma, "--work-dir", dir.resolve("w2").toString(), "--no-submit")).as(console.err.toString())
                .isEqualTo(ExitCodes.OK);
        JsonNode again = JsonLines.read(dir.resolve("w2/results.jsonl")).getFirst();
        assertThat(again.get("factors").get(0).get("factor").asText()).isEqualTo(planted.smallest().toString());
        assertThat(again.get("factors").get(0).get("sigma").asText()).isEqualTo(sigma);

        assertThat(run("run", "--numbers-file", numbers.toString(), "--no-gpu", "--b1", "11000", "--curves", "2",
                "--sigma", sigma, "--work-dir", dir.resolve("w3").toString(), "--no-submit")).isEqualTo(ExitCodes.USAGE);
        assertThat(console.err.toString()).contains("--sigma: runs exactly one curve");
    }

    @Test
    void maxmemReachesEveryStage2Worker() throws Exception {
        Path numbers = Files.writeString(dir.resolve("n.txt"), PlantedNumbers.planted(97, 35, 35).n() + "\n");
        assertThat(run("run", "--numbers-file", numbers.toString(), "--no-gpu", "--b1", "11000", "--curves", "4",
                "--maxmem", "64", "--work-dir", dir.resolve("w").toString(), "--no-submit")).as(console.err.toString())
                .isEqualTo(ExitCodes.OK);
        assertThat(JsonLines.read(dir.resolve("w/results.jsonl")).getFirst().get("stage2_curves").asInt()).isEqualTo(4);
        List<String> resumes = Files.readAllLines(dir.resolve("w/journal.jsonl")).stream()
                .filter(l -> l.contains("process_started") && l.contains("-resume")).toList();
        assertThat(resumes).isNotEmpty().allSatisfy(l -> assertThat(l).contains("-maxmem 64 -resume"));
    }

    @Test
    void aB2RangeRunsStage2OverItAndCountsAsStage1OnlyInTheTLevel() throws Exception {
        Path numbers = Files.writeString(dir.resolve("n.txt"), PlantedNumbers.planted(98, 35, 35).n() + "\n");
        assertThat(run("run", "--numbers-file", numbers.toString(), "--no-gpu", "--b1", "11000", "--b2", "2e6-2e7",
                "--curves", "4", "--work-dir", dir.resolve("w").toString(), "--no-submit")).as(console.err.toString())
                .isEqualTo(ExitCodes.OK);
        JsonNode row = JsonLines.read(dir.resolve("w/results.jsonl")).getFirst();
        assertThat(row.get("b2_min").asText()).isEqualTo("2000000");
        assertThat(row.get("b2").asText()).isEqualTo("20000000");
        assertThat(row.get("stage2_curves").asInt()).isEqualTo(4);
        assertThat(row.get("t_level").asDouble()).isCloseTo(org.ecmpipe.tlevel.TLevel.of(List.of(
                org.ecmpipe.tlevel.WorkItem.stage1Only(4, 11000, 3))), org.assertj.core.data.Offset.offset(0.001));
        assertThat(Files.readString(dir.resolve("w/journal.jsonl"))).contains("-resume - 11000 2000000-20000000");
        assertThat(run("run", "--numbers-file", numbers.toString(), "--no-gpu", "--b1", "11000", "--b2", "2e7-2e6",
                "--curves", "4", "--work-dir", dir.resolve("w2").toString(), "--no-submit")).isEqualTo(ExitCodes.USAGE);
        assertThat(console.err.toString()).contains("--b2: a B2 range MIN-MAX needs MIN < MAX");
    }

    @Test
    void restartInATargetRunSetsTheEarlierWorkAsideBeforeLookingAtIt() throws Exception {
        Path numbers = Files.writeString(dir.resolve("n.txt"), PlantedNumbers.planted(99, 35, 35).n() + "\n");
        String[] args = {"run", "--numbers-file", numbers.toString(), "--no-gpu", "--target-t", "20", "--work-dir",
                dir.resolve("w").toString(), "--no-submit"};
        assertThat(run(args)).as(console.err.toString()).isEqualTo(ExitCodes.OK);
        int lines = JsonLines.read(dir.resolve("w/results.jsonl")).size();
        assertThat(run(concat(args, "--restart"))).as(console.err.toString()).isEqualTo(ExitCodes.OK);
        assertThat(JsonLines.read(dir.resolve("w/results.jsonl"))).hasSize(lines); // run afresh, not "already at t20"
        try (var files = Files.list(dir.resolve("w"))) {
            assertThat(files.map(f -> f.getFileName().toString())).anyMatch(f -> f.matches("results\\.\\d{8}-\\d{6}\\.jsonl"));
        }
    }

    @Test
    void retryingAFailedNumberKeepsTheFactorsEarlierWorkFound() throws Exception {
        PlantedNumbers.Planted planted = PlantedNumbers.planted(101, 9, 30, 30);
        BigInteger n = planted.n();
        BigInteger p = planted.smallest();
        Path work = Files.createDirectories(dir.resolve("w"));
        Files.writeString(work.resolve("results.jsonl"), """
                {"composite":"%s","status":"done","factors":[{"factor":"%s","prime":true,"stage":2,"sigma":"3:12345"}],"cofactor":"%s","cofactor_prime":false,"b1":50000,"b2":null,"param":3,"curves":8,"stage2_curves":8}
                {"composite":"%s","status":"failed","reason":"stage 1: ecm exited with code 137 (killed by signal 9)","reason_code":"stage1_failed","factors":[],"b1":11000,"param":3,"curves":0}
                """.formatted(n, p, n.divide(p), n));
        Path numbers = Files.writeString(dir.resolve("n.txt"), n + "\n");
        assertThat(run("run", "--numbers-file", numbers.toString(), "--no-gpu", "--b1", "11000", "--curves", "2",
                "--retry-failed", "--work-dir", work.toString(), "--no-submit")).as(console.err.toString()).isEqualTo(ExitCodes.OK);
        JsonNode retried = JsonLines.read(work.resolve("results.jsonl")).getLast();
        assertThat(retried.get("status").asText()).isEqualTo("done");
        assertThat(retried.get("factors")).anySatisfy(f -> assertThat(f.get("factor").asText()).isEqualTo(p.toString()));
        assertThat(retried.get("cofactor").asText()).isEqualTo(n.divide(p).toString());
    }

    private static String[] concat(String[] a, String... b) {
        return java.util.stream.Stream.concat(java.util.Arrays.stream(a), java.util.Arrays.stream(b)).toArray(String[]::new);
    }
}
