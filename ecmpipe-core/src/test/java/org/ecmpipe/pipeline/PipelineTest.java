package org.ecmpipe.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.ecmpipe.composite.Composite;
import org.ecmpipe.composite.TrialDivision;
import org.ecmpipe.ecm.ChildProcesses;
import org.ecmpipe.ecm.EcmBinary;
import org.ecmpipe.result.CompositeResult;
import org.ecmpipe.result.Reason;
import org.ecmpipe.stage1.CpuStage1Engine;
import org.ecmpipe.stage1.Stage1Result;
import org.ecmpipe.stage2.Stage2Executor;
import org.ecmpipe.stage2.Stage2Result;
import org.ecmpipe.testing.EcmChildren;
import org.ecmpipe.testing.PlantedNumbers;
import org.ecmpipe.testing.RealEcm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline with real ecm on the CPU: overlap of the stages, and what ends up in the results. */
class PipelineTest {
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

    private static BatchPlan plan(List<Composite> numbers, long b1, String version) {
        List<Integer> positions = java.util.stream.IntStream.rangeClosed(1, numbers.size()).boxed().toList();
        return BatchPlan.of(numbers, positions, numbers.size(), new TrialDivision(1000), b1, version, Clock.systemUTC());
    }

    @Test
    void aDeeperQueueLetsStage1RunAheadByThatManyNumbersAndEveryNumberStillFinishesOnce() throws Exception {
        EcmBinary ecm = ecmChildren.realEcm();
        List<Composite> numbers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            numbers.add(new Composite(i + 1, "n" + i, PlantedNumbers.planted(320 + i, 35, 35).n()));
        }
        List<String> events = new CopyOnWriteArrayList<>();
        PipelineListener order = new PipelineListener() {
            @Override
            public void stage1Finished(String producer, PlannedNumber n, Stage1Result r) {
                events.add("s1end" + n.position());
            }

            @Override
            public void stage2Started(PlannedNumber n, int curves) {
                events.add("s2start" + n.position());
            }
        };
        List<CompositeResult> written = new CopyOnWriteArrayList<>();
        // stage 1 short (4 curves at B1=20000), stage 2 long (B2=4e8): with depth 3, stage 1 of every number
        // ends before stage 2 of number 2 starts
        PipelineOptions options = new PipelineOptions(20000, BigInteger.valueOf(400_000_000), 4, 1, false, 0, 3,
                false, Duration.ofMinutes(2), Duration.ofMinutes(2));
        PipelineReport report = pipeline(ecm, options, written::add, order).run(plan(numbers, 20000, ecm.version()).ecmWork());
        assertThat(report.interrupted()).isFalse();
        assertThat(written).extracting(CompositeResult::composite)
                .containsExactlyElementsOf(numbers.stream().map(Composite::value).toList());
        assertThat(events.indexOf("s1end4")).isLessThan(events.indexOf("s2start2"));
        assertThat(written).allSatisfy(r -> assertThat(r.stage2Curves()).isEqualTo(4));
    }

    @Test
    void aResultThatCannotBeWrittenStopsTheRunAndIsThrown() throws Exception {
        EcmBinary ecm = ecmChildren.realEcm();
        List<Composite> numbers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            numbers.add(new Composite(i + 1, "n" + i, PlantedNumbers.planted(340 + i, 35, 35).n()));
        }
        List<CompositeResult> written = new CopyOnWriteArrayList<>();
        ResultSink fullAfterOne = r -> {
            if (!written.isEmpty()) {
                throw new java.io.IOException("No space left on device");
            }
            written.add(r);
        };
        PipelineOptions options = new PipelineOptions(20000, BigInteger.valueOf(2_000_000), 4, 1, false, 0, 1,
                false, Duration.ofMinutes(2), Duration.ofMinutes(2));
        Pipeline p = pipeline(ecm, options, fullAfterOne, PipelineListener.NONE);
        assertThatThrownBy(() -> p.run(plan(numbers, 20000, ecm.version()).ecmWork()))
                .isInstanceOf(java.io.IOException.class).hasMessage("No space left on device");
        assertThat(written).hasSize(1);
    }

    @Test
    void stage1OfTheNextNumberRunsWhileStage2OfThisOneDoes() throws Exception {
        EcmBinary ecm = ecmChildren.realEcm();
        List<Composite> numbers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            numbers.add(new Composite(i + 1, "n" + i, PlantedNumbers.planted(300 + i, 35, 35).n())); // nothing to find
        }
        Map<String, Long> at = new ConcurrentHashMap<>();
        PipelineListener timestamps = new PipelineListener() {
            @Override
            public void stage1Started(String producer, PlannedNumber n) {
                at.put("s1start" + n.position(), System.nanoTime());
            }

            @Override
            public void stage1Finished(String producer, PlannedNumber n, Stage1Result r) {
                at.put("s1end" + n.position(), System.nanoTime());
            }

            @Override
            public void stage2Started(PlannedNumber n, int curves) {
                at.put("s2start" + n.position(), System.nanoTime());
            }

            @Override
            public void stage2Finished(PlannedNumber n, Stage2Result r) {
                at.put("s2end" + n.position(), System.nanoTime());
            }
        };
        List<CompositeResult> written = new CopyOnWriteArrayList<>();
        BatchPlan plan = plan(numbers, 100000, ecm.version());
        // stage 1 (~0.4 s) a little longer than stage 2, so stage 2 of n always starts as stage 1 of n+1 does
        PipelineOptions options = new PipelineOptions(100000, BigInteger.valueOf(20_000_000), 8, 2, false, 0, 1,
                false, Duration.ofMinutes(2), Duration.ofMinutes(2));
        PipelineReport report = pipeline(ecm, options, written::add, timestamps).run(plan.ecmWork());

        assertThat(report.results()).hasSize(3).isEqualTo(written);
        assertThat(report.interrupted()).isFalse();
        for (int n = 1; n <= 2; n++) {
            // stage 1 of n+1 started before stage 2 of n ended, and ended after stage 2 of n started
            assertThat(at.get("s1start" + (n + 1))).isLessThan(at.get("s2end" + n));
            assertThat(at.get("s1end" + (n + 1))).isGreaterThan(at.get("s2start" + n));
        }
        assertThat(written).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(CompositeResult.Status.DONE);
            assertThat(r.curves()).isEqualTo(8);
            assertThat(r.stage2Curves()).isEqualTo(8);
            assertThat(r.b2()).isEqualTo(BigInteger.valueOf(20_000_000));
            assertThat(r.stage1Reused()).isFalse();
        });
        assertThat(dir.resolve("residues")).isEmptyDirectory(); // removed once each result was written
    }

    @Test
    void primesAndNumbersFinishedByTrialDivisionNeedNoEcm() {
        BigInteger prime = new BigInteger("1000000000000000000000000000057");
        BigInteger smooth = BigInteger.valueOf(2).pow(10).multiply(BigInteger.valueOf(999983));
        BatchPlan plan = BatchPlan.of(List.of(new Composite(1, "p", prime), new Composite(2, "s", smooth)), List.of(1, 2), 2,
                new TrialDivision(TrialDivision.DEFAULT_LIMIT), 11000, "7.0.5", Clock.systemUTC());
        assertThat(plan.ecmWork()).isEmpty();
        assertThat(plan.settled()).hasSize(2);
        assertThat(plan.settled().get(0).status()).isEqualTo(CompositeResult.Status.SKIPPED);
        assertThat(plan.settled().get(0).reason()).isEqualTo(Reason.PRIME);
        assertThat(plan.settled().get(0).reasonText()).isEqualTo("prime");
        CompositeResult s = plan.settled().get(1);
        assertThat(s.status()).isEqualTo(CompositeResult.Status.DONE);
        assertThat(s.factors()).extracting(f -> f.factor().toString() + "^" + f.exponent() + "@" + f.stage())
                .containsExactly("2^10@0");
        assertThat(s.cofactor()).isEqualTo(BigInteger.valueOf(999983));
        assertThat(s.cofactorPrime()).isTrue();
    }
}
