package org.ecmpipe.result;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.ecmpipe.ecm.Sigma;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The results file, written and read back by its one reader; a fixed clock stands in for time. */
class ResultsFileTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void everyKindOfResultReadsBackAsWritten() throws Exception {
        BigInteger p = new BigInteger("1326980445383");
        BigInteger q = new BigInteger("818678735945867951063078448165632300162471141");
        BigInteger n = p.multiply(q).multiply(BigInteger.valueOf(4));
        Factorization f = new Factorization(n);
        f.add(BigInteger.valueOf(4), 0, null);
        f.add(p, 2, Sigma.parse("3:903626010"));
        CompositeResult done = ResultBuilder.of(n, CLOCK).factorization(f).bounds(11000, BigInteger.valueOf(1873422))
                .param(3).stage1(16, 1.25, false, "gpu:0").stage2(2, 0.031).ecmVersion("7.0.5")
                .startedAt(Instant.parse("2026-11-25T09:59:00Z")).done();
        CompositeResult failed = ResultBuilder.of(q.multiply(q.nextProbablePrime()), CLOCK).bounds(11000, null)
                .stage1(8, 0.5, false, "cpu").failed(Reason.STAGE1_FAILED, "ecm exited with code 1");
        CompositeResult prime = ResultBuilder.of(q, CLOCK).prime().bounds(11000, null).skipped(Reason.PRIME);
        Path file = dir.resolve("results.jsonl");
        try (ResultsFile out = new ResultsFile(file)) {
            out.append(done);
            out.append(failed);
            out.append(prime);
        }
        ResultsFile.Contents back = ResultsFile.read(file);
        assertThat(back.problems()).isEmpty();
        assertThat(back.results()).containsExactly(done, failed, prime);
        assertThat(back.results().get(0).factors()).extracting(Factor::exponent).containsExactly(2, 1); // 2^2, p
        assertThat(back.results().get(1).reasonText()).isEqualTo("stage 1: ecm exited with code 1");
        assertThat(back.results().get(2).finishedAt()).isEqualTo(CLOCK.instant());
        assertThat(Files.readAllLines(file).get(1)).contains("\"reason\":\"stage 1: ecm exited with code 1\"",
                "\"reason_code\":\"stage1_failed\"");
    }

    @Test
    void linesThatAreNotResultsAreReportedWithTheirNumberNotThrown() throws Exception {
        Path file = dir.resolve("results.jsonl");
        Files.writeString(file, """
                {"composite":"91","status":"failed","reason":"stage 1: ecm crashed","factors":[],"b1":11000}
                not json
                {"status":"done"}
                {"composite":"x1","status":"done"}
                {"composite":"77","status":"finished"}

                {"composite":"15","status":"done","factors":[{"factor":"3","prime":true,"stage":0,"sigma":null}],"cofactor":"5","cofactor_prime":true,"b1":11000}
                {"composite":"21","status":"do""", StandardOpenOption.CREATE);
        ResultsFile.Contents back = ResultsFile.read(file);
        assertThat(back.results()).extracting(r -> r.composite().intValue()).containsExactly(91, 15);
        // a line written before reason codes existed gets its code from the text
        assertThat(back.results().getFirst().reason()).isEqualTo(Reason.STAGE1_FAILED);
        assertThat(back.problems()).containsExactly("line 2: not JSON: Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
                "line 3: no 'composite'", "line 4: 'composite' is not an integer: x1", "line 5: unknown status 'finished'",
                back.problems().get(4));
        assertThat(back.problems().get(4)).startsWith("line 8: not JSON");
        assertThat(ResultsFile.read(dir.resolve("none.jsonl")).results()).isEmpty();
    }
}
