package org.ecmpipe.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.ecmpipe.composite.Composite;
import org.ecmpipe.composite.TrialDivision;
import org.ecmpipe.ecm.EcmBinary;
import org.ecmpipe.result.CompositeResult;
import org.ecmpipe.stage1.CpuStage1Engine;
import org.ecmpipe.stage2.Stage2Executor;
import org.ecmpipe.stage2.Stage2Result;
import org.ecmpipe.testing.EcmChildren;
import org.ecmpipe.testing.PlantedNumbers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The work-conserving CPU mode with real ecm: both stages share the cores, every curve is counted once, a number
 * settled by a stage-1 chunk ends its other chunks. No timing is asserted: what each slot did comes from the
 * pipeline's events.
 */
class SharedCoresTest {
    @RegisterExtension
    final EcmChildren ecmChildren = new EcmChildren();

    @TempDir
    Path dir;

    private Pipeline pipeline(EcmBinary ecm, PipelineOptions options, ResultSink sink, PipelineListener listener) {
        ResidueFiles files = n -> dir.resolve("residues").resolve(n.position() + "-" + System.nanoTime() + ".sav");
        return new Pipeline(new Pipeline.Parts(List.of(new CpuStage1Engine(ecm, ecmChildren.children(), 3)),
                new Stage2Executor(ecm, ecmChildren.children()), Checkpoints.NONE, sink, files, ecm.version()), options,
                listener, line -> { }, Clock.systemUTC());
    }

    private static List<PlannedNumber> plan(List<Composite> numbers, long b1, String version) {
        List<Integer> positions = java.util.stream.IntStream.rangeClosed(1, numbers.size()).boxed().toList();
        return BatchPlan.of(numbers, positions, numbers.size(), new TrialDivision(1000), b1, version, Clock.systemUTC())
                .ecmWork();
    }

    /** What each slot did, in the order it happened. */
    private static final class SlotLog implements PipelineListener {
        final List<String> events = new CopyOnWriteArrayList<>();
        final AtomicInteger busy = new AtomicInteger();
        final AtomicInteger mostBusy = new AtomicInteger();

        private void busier(int by) {
            int now = busy.addAndGet(by);
            mostBusy.accumulateAndGet(now, Math::max);
        }

        @Override
        public void stage1ChunkStarted(String slot, PlannedNumber number, int chunk, int curves) {
            busier(1);
            events.add(slot + " s1 " + number.position() + " start");
        }

        @Override
        public void stage1ChunkFinished(String slot, PlannedNumber number, int chunk, int curves) {
            events.add(slot + " s1 " + number.position() + " end");
            busier(-1);
        }

        @Override
        public void stage2WorkerJoined(String slot, PlannedNumber number) {
            busier(1);
            events.add(slot + " s2 " + number.position() + " start");
        }

        @Override
        public void stage2WorkerLeft(String slot, PlannedNumber number) {
            events.add(slot + " s2 " + number.position() + " end");
            busier(-1);
        }

        @Override
        public void stage2Finished(PlannedNumber number, Stage2Result result) {
            events.add("stage 2 of " + number.position() + " finished");
        }

        boolean slotDidBoth(String slot) {
            return events.stream().anyMatch(e -> e.startsWith(slot + " s1 "))
                    && events.stream().anyMatch(e -> e.startsWith(slot + " s2 "));
        }
    }

    @Test
    void withAShortStage2TheIdleCoreRunsStage1OfTheNextNumberAndEveryCurveCountsOnce() throws Exception {
        EcmBinary ecm = ecmChildren.realEcm();
        List<Composite> numbers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            numbers.add(new Composite(i + 1, "n" + i, PlantedNumbers.planted(900 + i, 35, 35).n())); // nothing to find
        }
        SlotLog slots = new SlotLog();
        List<CompositeResult> written = new CopyOnWriteArrayList<>();
        // stage 1 (24 curves at B1=20000) long, stage 2 (B2=100000) short: with each stage on its own core, the
        // stage-2 core would idle most of the time; one core for each, 2 shared
        PipelineOptions options = new PipelineOptions(20000, BigInteger.valueOf(100_000), 24, 1, false, 0, 1,
                false, Duration.ofMinutes(2), Duration.ofMinutes(2)).sharingCores(2);
        PipelineReport report = pipeline(ecm, options, written::add, slots).run(plan(numbers, 20000, ecm.version()));

        assertThat(report.interrupted()).isFalse();
        assertThat(written).extracting(CompositeResult::composite)
                .containsExactlyInAnyOrderElementsOf(numbers.stream().map(Composite::value).toList());
        assertThat(written).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(CompositeResult.Status.DONE);
            assertThat(r.curves()).as("stage-1 curves, from the chunks").isEqualTo(24);
            assertThat(r.stage2Curves()).as("each saved curve ran its stage 2 once").isEqualTo(24);
            assertThat(r.b2()).isEqualTo(BigInteger.valueOf(100_000));
        });
        assertThat(slots.mostBusy.get()).as("ecm processes at once, never more than the shared cores").isEqualTo(2);
        // both kinds of work ran on the same core: stage 2 of one number and stage-1 chunks of another
        assertThat(slots.slotDidBoth("CPU slot 1") || slots.slotDidBoth("CPU slot 2")).as(String.join("\n", slots.events))
                .isTrue();
        // stage 1 of the next number ran while stage 2 of this one was under way, on the core stage 2 left idle
        for (int n = 1; n < numbers.size(); n++) {
            int stage2Done = slots.events.indexOf("stage 2 of " + n + " finished");
            int nextStarted = indexOfFirst(slots.events, " s1 " + (n + 1) + " start");
            assertThat(nextStarted).as("a chunk of number %d before stage 2 of number %d finished", n + 1, n)
                    .isBetween(0, stage2Done);
        }
        assertThat(dir.resolve("residues")).isEmptyDirectory(); // chunk files joined, joined files removed
    }

    private static int indexOfFirst(List<String> events, String part) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void aFactorFoundInStage2EndsTheNumbersOtherWorkersAndItsCurvesAreCountedOnce() throws Exception {
        EcmBinary ecm = ecmChildren.realEcm();
        // p12 is found by many curves at these bounds, in stage 1 or in stage 2; p30 * p30 keep the cofactor composite.
        // With a p25, as here until 2026-12-05, a stage-1 curve could find it now and then (about 1 run in 1,700 by
        // GMP-ECM's model): the cofactor left is prime, the chunk settles the number and ends the others, and fewer
        // than 24 stage-1 curves run (22 in one CI run). A p30 is some fifty times harder to find.
        PlantedNumbers.Planted planted = PlantedNumbers.planted(77, 12, 30, 30);
        List<String> stage2Ends = new CopyOnWriteArrayList<>();
        PipelineListener listener = new PipelineListener() {
            @Override
            public org.ecmpipe.stage2.Stage2Listener stage2Listener(PlannedNumber number) {
                return new org.ecmpipe.stage2.Stage2Listener() {
                    @Override
                    public void ecmOutput(int worker, String line) {
                        if (line.startsWith("Step 2 took")) {
                            stage2Ends.add(line);
                        }
                    }
                };
            }
        };
        List<CompositeResult> written = new CopyOnWriteArrayList<>();
        // a large B2 makes each stage-2 curve take a while, so the other worker is mid-curve when the factor comes
        PipelineOptions options = new PipelineOptions(11000, BigInteger.valueOf(300_000_000L), 24, 1, false, 0, 1,
                false, Duration.ofMinutes(2), Duration.ofMinutes(2)).sharingCores(2);
        pipeline(ecm, options, written::add, listener).run(plan(List.of(new Composite(1, "n", planted.n())), 11000,
                ecm.version()));

        CompositeResult r = written.getFirst();
        assertThat(r.status()).isEqualTo(CompositeResult.Status.DONE);
        assertThat(r.factors()).extracting(f -> f.factor()).contains(planted.smallest());
        assertThat(r.curves()).as("a stage-1 factor leaves a composite cofactor: every stage-1 curve runs (factors %s)",
                r.factors()).isEqualTo(24);
        assertThat(r.stage2Curves()).as("curves whose Step 2 was seen, each once").isEqualTo(stage2Ends.size());
        boolean foundInStage2 = r.factors().stream().anyMatch(f -> f.factor().equals(planted.smallest()) && f.stage() == 2);
        if (foundInStage2) {
            assertThat(r.stage2Curves()).as("the factor ended the number's other stage-2 workers").isLessThan(24);
        }
    }

    @Test
    void aChunkThatSettlesTheNumberEndsItsOtherChunksAndTheBatchGoesOn() throws Exception {
        EcmBinary ecm = ecmChildren.realEcm();
        // p10 is found by most curves at B1=11000 (one of 64 all but surely), and leaves the prime p40: settled in
        // stage 1, no stage 2
        PlantedNumbers.Planted settles = PlantedNumbers.planted(950, 10, 40);
        BigInteger nothing = PlantedNumbers.planted(951, 35, 35).n();
        List<Composite> numbers = List.of(new Composite(1, "a", settles.n()), new Composite(2, "b", nothing));
        SlotLog slots = new SlotLog();
        List<CompositeResult> written = new CopyOnWriteArrayList<>();
        PipelineOptions options = new PipelineOptions(11000, BigInteger.valueOf(1_000_000), 64, 1, false, 0, 1,
                false, Duration.ofMinutes(2), Duration.ofMinutes(2)).sharingCores(2);
        PipelineReport report = pipeline(ecm, options, written::add, slots).run(plan(numbers, 11000, ecm.version()));

        assertThat(report.interrupted()).isFalse();
        CompositeResult first = written.stream().filter(r -> r.composite().equals(settles.n())).findFirst().orElseThrow();
        assertThat(first.status()).isEqualTo(CompositeResult.Status.DONE);
        assertThat(first.factors()).extracting(f -> f.factor()).contains(settles.smallest());
        assertThat(first.cofactorPrime()).isTrue();
        assertThat(first.stage2Curves()).isZero();
        assertThat(first.curves()).as("curves that ran before the number was settled").isBetween(1, 64);
        CompositeResult second = written.stream().filter(r -> r.composite().equals(nothing)).findFirst().orElseThrow();
        assertThat(second.curves()).isEqualTo(64);
        assertThat(second.stage2Curves()).isEqualTo(64);
    }
}
