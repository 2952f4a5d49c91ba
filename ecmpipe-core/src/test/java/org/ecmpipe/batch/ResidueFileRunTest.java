package org.ecmpipe.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.ecmpipe.ecm.EcmBinary;
import org.ecmpipe.ecm.FoundFactor;
import org.ecmpipe.residue.CompositeResidues;
import org.ecmpipe.residue.Residue;
import org.ecmpipe.result.CompositeResult;
import org.ecmpipe.result.ResultsFile;
import org.ecmpipe.stage1.CpuStage1Engine;
import org.ecmpipe.stage2.Stage2Listener;
import org.ecmpipe.testing.EcmChildren;
import org.ecmpipe.testing.PlantedNumbers;
import org.ecmpipe.testing.RealEcm;
import org.ecmpipe.testing.SingleCurveResidues;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ecmpipe stage2}'s engine on a residue file of several numbers, real ecm: workers move on to the next number
 * while the last curve of the one before still runs, every curve runs once, results land in file order, and a stop
 * records what each open number completed. (A factor ending its number's workers: {@code Stage2ExecutorTest}.)
 */
class ResidueFileRunTest {
    private static final long B1 = 11000;

    @RegisterExtension
    final EcmChildren ecmChildren = new EcmChildren();

    @TempDir
    Path dir;

    /** Listener events: "start K", "finish K" (K 1-based, in the order they happened), and the factors found. */
    private static final class Events implements ResidueFileRun.Listener {
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<FoundFactor> factors = new CopyOnWriteArrayList<>();

        @Override
        public Stage2Listener starting(int position, int count, CompositeResidues number, EcmBinary ecm) {
            events.add("start " + position);
            return new Stage2Listener() {
                @Override
                public void factorFound(FoundFactor factor) {
                    factors.add(factor);
                }
            };
        }

        @Override
        public void finished(int position, int count, CompositeResult result) {
            events.add("finish " + position);
        }
    }

    private List<CompositeResidues> numbers(List<PlantedNumbers.Planted> planted, List<Integer> curves) throws Exception {
        CpuStage1Engine stage1 = new CpuStage1Engine(ecmChildren.realEcm(), ecmChildren.children(), 3);
        List<Residue> lines = new ArrayList<>();
        for (int i = 0; i < planted.size(); i++) {
            lines.addAll(SingleCurveResidues.make(stage1, planted.get(i).n(), B1, curves.get(i), dir.resolve("s1-" + i)));
        }
        return CompositeResidues.group(lines, new ArrayList<>());
    }

    /** c85s = p40 * p45 from the given seeds: nothing for a curve at B1=11000 to find, so every curve runs. */
    private static List<PlantedNumbers.Planted> nothingToFind(long... seeds) {
        return java.util.Arrays.stream(seeds).mapToObj(seed -> PlantedNumbers.planted(seed, 40, 45)).toList();
    }

    private ResidueFileRun engine(BigInteger b2, int workers) {
        return new ResidueFileRun(new Stage2Settings(null, b2, workers, Duration.ofMinutes(2), false, 0, dir.resolve("work"),
                dir.resolve("results.jsonl"), null, null, null), Clock.systemUTC());
    }

    @Test
    @Timeout(180)
    void workersMoveOnToTheNextNumberWhileTheLastCurveOfTheOneBeforeRunsAndResultsLandInFileOrder() throws Exception {
        List<PlantedNumbers.Planted> planted = nothingToFind(91, 92, 93);
        PlantedNumbers.Planted a = planted.get(0);
        PlantedNumbers.Planted b = planted.get(1);
        PlantedNumbers.Planted c = planted.get(2);
        List<CompositeResidues> numbers = numbers(planted, List.of(3, 4, 5));
        assertThat(numbers).extracting(CompositeResidues::composite).as("the file's numbers, in order")
                .containsExactly(a.n(), b.n(), c.n());
        Events listener = new Events();

        ResidueFileRun.Outcome outcome = engine(BigInteger.valueOf(100_000_000L), 2).run(numbers, listener);

        assertThat(outcome.stopped()).isFalse();
        // 3 curves on 2 workers: one worker has no line left while the other runs the third, and moves on
        assertThat(listener.events.indexOf("start 2")).as("events " + listener.events).isLessThan(listener.events.indexOf("finish 1"));
        assertThat(listener.events).filteredOn(e -> e.startsWith("finish")).containsExactly("finish 1", "finish 2", "finish 3");
        assertThat(listener.events).filteredOn(e -> e.startsWith("start")).containsExactly("start 1", "start 2", "start 3");
        List<CompositeResult> results = outcome.results();
        assertThat(results).extracting(CompositeResult::composite).containsExactly(a.n(), b.n(), c.n());
        assertThat(results).allSatisfy(r -> assertThat(r.status()).isEqualTo(CompositeResult.Status.DONE));
        assertThat(results.get(0).stage2Curves()).as("every curve of the first number, once").isEqualTo(3);
        assertThat(results.get(1).stage2Curves()).isEqualTo(4);
        assertThat(results.get(2).stage2Curves()).isEqualTo(5);
        assertThat(results).allSatisfy(r -> assertThat(r.factors()).isEmpty());
        assertThat(listener.factors).isEmpty();
        assertThat(ResultsFile.read(dir.resolve("results.jsonl")).results()).extracting(CompositeResult::composite)
                .as("the results file, in file order").containsExactly(a.n(), b.n(), c.n());
        assertThat(RealEcm.liveEcmDescendants()).isZero();
    }

    @Test
    @Timeout(180)
    void aStopEndsEveryOpenNumbersEcmAndRecordsWhatEachCompleted() throws Exception {
        // a large B2: each curve runs about a second, so the stop comes mid-curve
        List<PlantedNumbers.Planted> planted = nothingToFind(94, 95, 96);
        PlantedNumbers.Planted a = planted.get(0);
        PlantedNumbers.Planted b = planted.get(1);
        List<CompositeResidues> numbers = numbers(planted, List.of(3, 6, 2));
        Events listener = new Events();
        ResidueFileRun engine = engine(BigInteger.valueOf(2_000_000_000L), 2);
        CompletableFuture<Thread> runner = new CompletableFuture<>();
        CompletableFuture<ResidueFileRun.Outcome> outcome = CompletableFuture.supplyAsync(() -> {
            runner.complete(Thread.currentThread());
            try {
                return engine.run(numbers, listener);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, r -> Thread.ofPlatform().start(r));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(120)).until(() -> listener.events.contains("start 2"));
        runner.get().interrupt();
        ResidueFileRun.Outcome done = outcome.get(60, TimeUnit.SECONDS);

        assertThat(RealEcm.liveEcmDescendants()).as("every ecm ended at the stop").isZero();
        assertThat(done.stopped()).isTrue();
        assertThat(listener.events).doesNotContain("start 3");
        // the first number completed a curve before the second opened; the second, opened just before the stop, is
        // recorded only if it completed a curve (a number that completed none is not recorded)
        assertThat(done.results()).isNotEmpty();
        assertThat(done.results().get(0).composite()).isEqualTo(a.n());
        assertThat(done.results().get(0).stage2Curves()).isBetween(1, 3);
        if (done.results().size() > 1) {
            assertThat(done.results().get(1).composite()).isEqualTo(b.n());
            assertThat(done.results().get(1).stage2Curves()).isBetween(1, 5);
        }
        assertThat(done.results()).hasSizeLessThanOrEqualTo(2);
        assertThat(ResultsFile.read(dir.resolve("results.jsonl")).results()).hasSameSizeAs(done.results());
    }

    @Test
    @Timeout(180)
    void atMostWPlusOneNumbersAreOpenBehindASlowOneAndOneLineNumbersAllRunOnce() throws Exception {
        // the first number's one curve is on a c200 (several times slower than a c85's); then five one-curve c85s
        PlantedNumbers.Planted slow = PlantedNumbers.planted(97, 100, 100);
        List<PlantedNumbers.Planted> fast = nothingToFind(98, 99, 100, 101, 102);
        List<PlantedNumbers.Planted> all = new ArrayList<>(List.of(slow));
        all.addAll(fast);
        List<CompositeResidues> numbers = numbers(all, List.of(1, 1, 1, 1, 1, 1));
        Events listener = new Events();

        ResidueFileRun.Outcome outcome = engine(BigInteger.valueOf(100_000_000L), 2).run(numbers, listener);

        assertThat(outcome.stopped()).isFalse();
        // 2 workers: numbers 1 to 3 open while the first is unsettled; the fourth only after it is recorded
        assertThat(listener.events.indexOf("start 4")).as("events " + listener.events)
                .isGreaterThan(listener.events.indexOf("finish 1"));
        assertThat(listener.events).filteredOn(e -> e.startsWith("finish"))
                .containsExactly("finish 1", "finish 2", "finish 3", "finish 4", "finish 5", "finish 6");
        assertThat(outcome.results()).extracting(CompositeResult::composite)
                .containsExactlyElementsOf(all.stream().map(PlantedNumbers.Planted::n).toList());
        assertThat(outcome.results()).allSatisfy(r -> assertThat(r.stage2Curves()).isEqualTo(1));
    }

    @Test
    @Timeout(180)
    void aResultThatCannotBeRecordedStopsTheRunAndIsNeverWrittenTwice() throws Exception {
        // found by a hostile review: a failed record was tried again by the next number to finish, writing the same
        // results line again, and later numbers were recorded after the failure
        List<CompositeResidues> numbers = numbers(nothingToFind(103, 104, 105), List.of(2, 5, 5));
        EcmBinary ecm = ecmChildren.realEcm();
        org.ecmpipe.stage2.Stage2Batch batch = new org.ecmpipe.stage2.Stage2Batch(
                new org.ecmpipe.stage2.Stage2Executor(ecm, ecmChildren.children(), null), ecm.version(),
                new org.ecmpipe.stage2.Stage2Batch.Options(BigInteger.valueOf(300_000_000L), 2, false, 0,
                        Duration.ofMinutes(2), null), Clock.systemUTC());
        java.util.concurrent.atomic.AtomicInteger enqueues = new java.util.concurrent.atomic.AtomicInteger();
        Events listener = new Events();
        try (org.ecmpipe.ledger.WorkDir work = org.ecmpipe.ledger.WorkDir.open(dir.resolve("work"),
                dir.resolve("results.jsonl"), Clock.systemUTC());
             org.ecmpipe.ledger.ResultLedger ledger = work.ledger(new org.ecmpipe.ledger.ResultLedger.Submissions() {
                 @Override
                 public boolean wants(CompositeResult r) {
                     return true;
                 }

                 @Override
                 public String enqueue(CompositeResult r) throws java.io.IOException {
                     enqueues.incrementAndGet();
                     throw new java.io.IOException("outbox broken (injected)");
                 }
             })) {
            Stage2Overlap overlap = new Stage2Overlap(numbers, batch, listener, ecm, ledger, 2);
            org.assertj.core.api.Assertions.assertThatThrownBy(overlap::run).isInstanceOf(java.io.IOException.class)
                    .hasMessageContaining("outbox broken");
            assertThat(overlap.results()).isEmpty();
        }
        assertThat(enqueues.get()).as("the failed record is not tried again").isEqualTo(1);
        assertThat(ResultsFile.read(dir.resolve("results.jsonl")).results()).as("one line, written once").hasSize(1);
        assertThat(listener.events).filteredOn(e -> e.startsWith("finish")).isEmpty();
        assertThat(RealEcm.liveEcmDescendants()).isZero();
    }
}
