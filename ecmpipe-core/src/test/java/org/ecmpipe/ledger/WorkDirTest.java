package org.ecmpipe.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.ecmpipe.composite.Composite;
import org.ecmpipe.pipeline.Checkpoints;
import org.ecmpipe.pipeline.PlannedNumber;
import org.ecmpipe.result.CompositeResult;
import org.ecmpipe.result.ResultBuilder;
import org.ecmpipe.result.ResultsFile;
import org.ecmpipe.stage1.Stage1Result;
import org.ecmpipe.stage2.Stage2Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The work dir's answers to resume questions, from what earlier runs left on disk. A fixed clock stands in for time. */
class WorkDirTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);
    private static final BigInteger N = new BigInteger("1086370673651039305480189487473899229023406697946064192003");

    @TempDir
    Path dir;

    private PlannedNumber planned() {
        return new PlannedNumber(1, new Composite(1, N.toString(), N), List.of(), N);
    }

    private Path stage1Done(WorkDir w, String residues) throws Exception {
        Path file = w.newResidueFile(1, N);
        Files.writeString(file, residues);
        Checkpoints c = w.checkpoints();
        c.stage1Started(planned());
        c.stage1Done(planned(), new Stage1Result(N, 11000, 2, file, List.of(), Duration.ofSeconds(3), 0, "7.0.5", null));
        assertThat(w.resume(planned(), 50000).reusedStage1()).as("residues of another B1").isNull();
        return file;
    }

    @Test
    void aResidueFileUnchangedSinceStage1IsReusedWithTheCurvesStage2AlreadyRan() throws Exception {
        Path work = dir.resolve("w");
        try (WorkDir w = WorkDir.open(work, null, CLOCK)) {
            stage1Done(w, "line one\nline two\n");
            w.checkpoints().stage2Cut(planned(), new Stage2Result(N, 11000, BigInteger.valueOf(1873422), 2, 1, List.of(),
                    List.of(), Duration.ofSeconds(1), false, Set.of(1)));
        }
        try (WorkDir w = WorkDir.open(work, null, CLOCK)) {
            PlannedNumber resumed = w.resume(planned(), 11000);
            assertThat(resumed.reusedStage1()).isNotNull();
            assertThat(resumed.reusedStage1().curves()).isEqualTo(2);
            assertThat(resumed.priorStage2().completedLines()).containsExactly(1);
            assertThat(w.resume(planned(), 11000, BigInteger.valueOf(1873422)).priorStage2()).isNotNull();
            assertThat(w.resume(planned(), 11000, BigInteger.valueOf(5_000_000)).priorStage2())
                    .as("curves run at another B2 are not counted at this one").isNull();
            assertThat(w.incompatibility(11000, 3)).isEmpty();
            assertThat(w.incompatibility(50000, 3)).isEmpty(); // no run_started: nothing to compare with
        }
    }

    @Test
    void aResidueFileChangedOrGoneSinceStage1IsNotReused() throws Exception {
        Path work = dir.resolve("w");
        Path file;
        try (WorkDir w = WorkDir.open(work, null, CLOCK)) {
            w.runStarted(11000, 3, 2, "n.txt");
            file = stage1Done(w, "line one\nline two\n");
        }
        Files.writeString(file, "line one\nline 2\n"); // same size, other content: only the checksum can tell
        try (WorkDir w = WorkDir.open(work, null, CLOCK)) {
            assertThat(w.resume(planned(), 11000).reusedStage1()).isNull();
            assertThat(w.incompatibility(12000, 3)).hasValueSatisfying(why ->
                    assertThat(why).contains("B1=11000", "B1=12000"));
        }
        Files.delete(file);
        try (WorkDir w = WorkDir.open(work, null, CLOCK)) {
            assertThat(w.resume(planned(), 11000).reusedStage1()).isNull();
        }
    }

    @Test
    void theResultsFileDecidesWhatIsFinishedAndUnqueuedResultsAreFoundAgain() throws Exception {
        Path work = dir.resolve("w");
        CompositeResult done = ResultBuilder.of(N, CLOCK).bounds(11000, null).stage1(4, 1, false, "cpu").done();
        List<String> queued = new ArrayList<>();
        ResultLedger.Submissions failingOutbox = new ResultLedger.Submissions() {
            @Override
            public boolean wants(CompositeResult r) {
                return true;
            }

            @Override
            public String enqueue(CompositeResult r) throws java.io.IOException {
                throw new java.io.IOException("No space left on device");
            }
        };
        try (WorkDir w = WorkDir.open(work, null, CLOCK); ResultLedger ledger = w.ledger(failingOutbox)) {
            assertThatThrownBy(() -> ledger.accept(done)).hasMessageContaining("in the outbox: No space left on device");
        }
        try (WorkDir w = WorkDir.open(work, null, CLOCK)) {
            var earlier = w.earlierResults();
            assertThat(earlier).containsKey(N);
            assertThat(WorkDir.prior(N, 11000, false, earlier).kind()).isEqualTo(PriorWork.Kind.DONE_AT_THIS_B1);
            assertThat(w.writtenNotQueued(earlier)).containsExactly(done);
            ResultLedger.Submissions outbox = new ResultLedger.Submissions() {
                @Override
                public boolean wants(CompositeResult r) {
                    return true;
                }

                @Override
                public String enqueue(CompositeResult r) {
                    queued.add(r.composite().toString());
                    return "id-1";
                }
            };
            try (ResultLedger ledger = w.ledger(outbox)) {
                ledger.requeue(done);
            }
        }
        assertThat(queued).containsExactly(N.toString());
        try (WorkDir w = WorkDir.open(work, null, CLOCK)) {
            assertThat(w.writtenNotQueued(w.earlierResults())).isEmpty();
        }
        // a result line with no journal entry (a crash in between) still counts as finished
        Path other = dir.resolve("other");
        Files.createDirectories(other);
        Files.writeString(other.resolve("results.jsonl"), ResultsFile.line(done) + "\n");
        try (WorkDir w = WorkDir.open(other, null, CLOCK)) {
            var earlier = w.earlierResults();
            assertThat(WorkDir.prior(N, 11000, false, earlier).kind()).isEqualTo(PriorWork.Kind.DONE_AT_THIS_B1);
            assertThat(WorkDir.prior(N, 50000, false, earlier).kind()).isEqualTo(PriorWork.Kind.STEP_UP);
        }
    }

    @Test
    void whatARunDoesWithANumberFollowsItsNewestResult() {
        BigInteger p = new BigInteger("1326980445383");
        BigInteger m = N.multiply(new BigInteger("1000000007")); // p13 * p45 * p10: after p13, a composite is left
        org.ecmpipe.result.Factorization f = new org.ecmpipe.result.Factorization(m);
        f.add(p, 2, null);
        CompositeResult partly = ResultBuilder.of(m, CLOCK).factorization(f).bounds(11000, null).done();
        CompositeResult failed = ResultBuilder.of(m, CLOCK).bounds(50000, null)
                .failed(org.ecmpipe.result.Reason.STAGE1_FAILED, "killed by signal 9");
        org.ecmpipe.result.Factorization whole = new org.ecmpipe.result.Factorization(N);
        whole.add(p, 2, null);
        CompositeResult factored = ResultBuilder.of(N, CLOCK).factorization(whole).bounds(11000, null).done();
        CompositeResult prime = ResultBuilder.of(p, CLOCK).prime().bounds(11000, null).skipped(org.ecmpipe.result.Reason.PRIME);
        java.util.Map<BigInteger, List<CompositeResult>> earlier = java.util.Map.of(m, List.of(partly), p, List.of(prime),
                N, List.of(factored));
        assertThat(WorkDir.prior(m, 11000, false, earlier).kind()).isEqualTo(PriorWork.Kind.DONE_AT_THIS_B1);
        assertThat(WorkDir.prior(m, 50000, false, earlier)).isEqualTo(new PriorWork(PriorWork.Kind.STEP_UP, partly));
        assertThat(WorkDir.prior(p, 50000, false, earlier).kind()).isEqualTo(PriorWork.Kind.FACTORED);
        assertThat(WorkDir.prior(N, 50000, false, earlier).kind()).isEqualTo(PriorWork.Kind.FACTORED);
        assertThat(WorkDir.prior(m.add(BigInteger.TWO), 11000, false, earlier).kind()).isEqualTo(PriorWork.Kind.NONE);
        var withFailure = java.util.Map.of(m, List.of(partly, failed));
        assertThat(WorkDir.prior(m, 50000, false, withFailure).kind()).isEqualTo(PriorWork.Kind.FAILED);
        assertThat(WorkDir.prior(m, 50000, true, withFailure).kind()).isEqualTo(PriorWork.Kind.RETRY);
    }

    @Test
    void aWorkDirThatIsAFileOrHeldByAnotherRunIsRefusedSayingWhy() throws Exception {
        Path file = Files.writeString(dir.resolve("plain.txt"), "x");
        assertThatThrownBy(() -> WorkDir.open(file, null, CLOCK)).isInstanceOf(WorkDirException.class)
                .hasMessageContaining("not a directory");
        assertThatThrownBy(() -> WorkDir.open(file.resolve("sub"), null, CLOCK)).isInstanceOf(WorkDirException.class)
                .hasMessageContaining("not a directory");
        try (WorkDir w = WorkDir.open(dir.resolve("w"), null, CLOCK)) {
            assertThatThrownBy(() -> WorkDir.open(dir.resolve("w"), null, CLOCK)).isInstanceOf(WorkDirException.class)
                    .hasMessageContaining("another ecmpipe (pid " + ProcessHandle.current().pid() + ")");
        }
    }

    @Test
    void restartSetsEverythingAsideButTheOutbox() throws Exception {
        Path work = dir.resolve("w");
        try (WorkDir w = WorkDir.open(work, null, CLOCK); ResultLedger ledger = w.ledger(null)) {
            stage1Done(w, "x\n");
            ledger.accept(ResultBuilder.of(N, CLOCK).bounds(11000, null).done());
        }
        Files.createDirectories(Layout.of(work).outboxDir());
        try (WorkDir w = WorkDir.open(work, null, CLOCK)) {
            w.restart();
            assertThat(w.earlierResults()).isEmpty();
            assertThat(w.resume(planned(), 11000).reusedStage1()).isNull();
        }
        assertThat(work.resolve("journal.20261125-100000.jsonl")).exists();
        assertThat(work.resolve("results.20261125-100000.jsonl")).exists();
        assertThat(work.resolve("residues.20261125-100000")).isDirectory();
        assertThat(Layout.of(work).outboxDir()).isDirectory();
    }
}
