package org.ecmpipe.stage2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.ArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.ecmpipe.ecm.EcmCommand;
import org.ecmpipe.ecm.ChildProcesses;
import org.ecmpipe.ecm.EcmBinary;
import org.ecmpipe.ecm.FoundFactor;
import org.ecmpipe.residue.Residue;
import org.ecmpipe.stage1.CpuStage1Engine;
import org.ecmpipe.testing.FaultWrappers;
import org.ecmpipe.testing.PlantedNumbers;
import org.ecmpipe.testing.RealEcm;
import org.ecmpipe.testing.SingleCurveResidues;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The stage-2 executor on real ecm processes and residues from a real stage 1. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Stage2ExecutorTest {
    private static final long B1 = 11000;
    private static final int CURVES = 24;

    private final ChildProcesses children = new ChildProcesses();
    private EcmBinary ecm;
    private PlantedNumbers.Planted planted;
    private List<Residue> residues;
    /**
     * Residues of a number with no factor these bounds find, for the tests of timing and pacing: every curve prints
     * the same lines and takes about as long. Some curves of {@link #residues} find the p12 at the very start of stage
     * 2 (Step 2 took 1ms), and print three lines more when they find it at all: a test that timed such a curve, or
     * killed ecm as one began, failed now and then (a watchdog timeout calibrated on it, a curve that ended before
     * the kill meant for it).
     */
    private List<Residue> quietResidues;
    private PlantedNumbers.Planted quiet;

    @TempDir
    Path dir;

    @BeforeAll
    void stage1(@TempDir Path stage1Dir) throws Exception {
        ecm = RealEcm.probe(children);
        // p12 is found by many curves at these bounds; p30 * p30 keep the cofactor composite. A p25, as here until
        // 2026-12-05, can be found in stage 2 now and then (B2 up to 3e8): the cofactor left is prime, ecm then skips
        // the number's later lines without a word, and a test counting completed curves fails by chance (the likely
        // cause of 17 of 21 curves completed in one CI run)
        planted = PlantedNumbers.planted(77, 12, 30, 30);
        residues = SingleCurveResidues.make(new CpuStage1Engine(ecm, children, 3), planted.n(), B1, CURVES, stage1Dir)
                .stream().filter(r -> r.n().equals(planted.n())).toList(); // drop curves that found p12 in stage 1
        assertThat(residues).hasSizeGreaterThan(CURVES / 2);
        quiet = PlantedNumbers.planted(78, 36, 36);
        quietResidues = SingleCurveResidues.make(new CpuStage1Engine(ecm, children, 3), quiet.n(), B1, CURVES,
                stage1Dir.resolve("quiet"));
        assertThat(quietResidues).hasSize(CURVES).allSatisfy(r -> assertThat(r.n()).isEqualTo(quiet.n()));
    }

    @AfterEach
    void noEcmLeftBehind() {
        assertThat(RealEcm.liveEcmDescendants()).as("ecm processes still running").isZero();
    }

    @AfterAll
    void close() {
        children.close();
    }

    @Test
    void aFactorStopsEveryWorkerPromptly() {
        AtomicLong factorAt = new AtomicLong();
        Set<Integer> workersSeen = ConcurrentHashMap.newKeySet();
        AtomicInteger stage2Ends = new AtomicInteger();
        // a large B2 makes each curve take a while, so the other worker is mid-curve when the factor comes
        Stage2Result result = new Stage2Executor(ecm, children).run(request(residues, BigInteger.valueOf(300_000_000L), 2, false, 0),
                new Stage2Listener() {
                    @Override
                    public void factorFound(FoundFactor factor) {
                        factorAt.compareAndSet(0, System.nanoTime());
                    }

                    @Override
                    public void ecmOutput(int worker, String line) {
                        workersSeen.add(worker);
                        if (line.startsWith("Step 2 took")) {
                            stage2Ends.incrementAndGet();
                        }
                    }
                });
        long stoppedAfterMillis = (System.nanoTime() - factorAt.get()) / 1_000_000;

        assertThat(result.stoppedEarly()).isTrue();
        assertThat(result.factors()).isNotEmpty();
        assertThat(result.factors().getFirst().factor()).isEqualTo(planted.smallest());
        assertThat(result.factors().getFirst().sigma()).isNotNull();
        assertThat(result.curvesCompleted()).isLessThan(residues.size());
        assertThat(workersSeen).containsExactlyInAnyOrder(1, 2);
        assertThat(result.curvesCompleted()).as("exactly the curves whose Step 2 took was seen; queued lines count for nothing")
                .isEqualTo(stage2Ends.get());
        assertThat(stoppedAfterMillis).as("ms from the factor to every worker ended and reaped").isLessThan(200);
        assertThat(children.alive()).isEmpty();
    }

    @Test
    void workersJoinASessionOneAtATimeAndAFactorEndsThemAllAndExactlyOneFinishesIt() throws Exception {
        AtomicInteger stage2Ends = new AtomicInteger();
        Stage2Executor.Session session = new Stage2Executor(ecm, children).open(
                request(residues, BigInteger.valueOf(300_000_000L), 2, false, 0), new Stage2Listener() {
                    @Override
                    public void ecmOutput(int worker, String line) {
                        if (line.startsWith("Step 2 took")) {
                            stage2Ends.incrementAndGet();
                        }
                    }
                });
        assertThat(session.open()).isTrue();
        // two threads of the caller join, as two idle cores of the work-conserving CPU mode do
        List<Boolean> finishers = new CopyOnWriteArrayList<>();
        List<Thread> slots = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            slots.add(Thread.ofPlatform().start(() -> finishers.add(session.work())));
        }
        for (Thread t : slots) {
            t.join(Duration.ofMinutes(2));
        }
        assertThat(finishers).as("only the last worker to leave finishes the session").containsExactlyInAnyOrder(true, false);
        assertThat(session.open()).isFalse();
        assertThat(session.work()).as("a late joiner finds nothing and does not finish it").isFalse();
        Stage2Result result = session.finish();

        assertThat(result.stoppedEarly()).isTrue();
        assertThat(result.factors()).extracting(FoundFactor::factor).containsExactly(planted.smallest());
        assertThat(result.curvesCompleted()).isLessThan(residues.size()).isEqualTo(stage2Ends.get());
        assertThat(children.alive()).isEmpty();
    }

    @Test
    void continueAfterFactorRunsEveryCurveAndReportsProgress() {
        List<Stage2Progress> progress = new CopyOnWriteArrayList<>();
        Stage2Result result = new Stage2Executor(ecm, children).run(request(residues, BigInteger.valueOf(50_000_000), 2, true, 4), new Stage2Listener() {
            @Override
            public void progress(Stage2Progress p) {
                progress.add(p);
            }
        });
        assertThat(result.stoppedEarly()).isFalse();
        assertThat(result.curvesCompleted()).isEqualTo(residues.size());
        assertThat(result.failures()).isEmpty();
        assertThat(result.factors()).extracting(FoundFactor::factor).contains(planted.smallest());
        assertThat(progress).extracting(Stage2Progress::curvesDone)
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, residues.size() / 4).map(i -> i * 4).boxed().toList());
    }

    @Test
    void withoutStdbufEachCurveGetsItsOwnProcessAndFindsTheSame() {
        EcmBinary noStdbuf = new EcmBinary(ecm.path(), ecm.version(), ecm.configuredWith(), ecm.gpu(), null);
        List<Residue> some = residues.subList(0, 8);
        List<String> commands = new CopyOnWriteArrayList<>();
        ChildProcesses watched = new ChildProcesses();
        watched.listen(new ChildProcesses.Listener() {
            @Override
            public void started(Process process, List<String> command) {
                commands.add(String.join(" ", command));
            }
        });
        try (watched) {
            Stage2Result streamed = new Stage2Executor(ecm, children).run(request(some, BigInteger.valueOf(2_000_000), 2, true, 0),
                    Stage2Listener.NONE);
            Stage2Result perCurve = new Stage2Executor(noStdbuf, watched).run(request(some, BigInteger.valueOf(2_000_000), 2, true, 0),
                    Stage2Listener.NONE);
            assertThat(perCurve.curvesCompleted()).isEqualTo(streamed.curvesCompleted()).isEqualTo(8);
            assertThat(perCurve.completedLines()).isEqualTo(streamed.completedLines());
            assertThat(perCurve.factors()).extracting(FoundFactor::factor)
                    .containsExactlyInAnyOrderElementsOf(streamed.factors().stream().map(FoundFactor::factor).toList());
            assertThat(perCurve.failures()).isEmpty();
            assertThat(commands).hasSize(8).allSatisfy(c -> assertThat(c).doesNotContain("stdbuf"));
        }
    }

    @Test
    void aKnownFactorDoesNotStopStage2() {
        Stage2Request request = new Stage2Request(planted.n(), B1, null, residues.subList(0, 8), 2, false, 0,
                Duration.ofMinutes(2), List.of(planted.smallest()));
        Stage2Result result = new Stage2Executor(ecm, children).run(request, Stage2Listener.NONE);
        assertThat(result.stoppedEarly()).isFalse();
        assertThat(result.curvesCompleted()).isEqualTo(8);
        assertThat(result.factors()).extracting(FoundFactor::factor).doesNotContain(planted.smallest());
        assertThat(result.b2()).as("GMP-ECM's default B2 for B1=11000").isEqualTo(BigInteger.valueOf(1873422));
    }

    @Test
    void crashingWorkersFailTheirCurvesAndStopAfterThreeInARow() throws Exception {
        EcmBinary crashing = EcmBinary.probe(FaultWrappers.install("ecm-resume-crashes", dir), children);
        List<CurveFailure> failures = new CopyOnWriteArrayList<>();
        Stage2Result result = new Stage2Executor(crashing, children).run(request(residues, null, 1, false, 0), new Stage2Listener() {
            @Override
            public void curveFailed(CurveFailure failure) {
                failures.add(failure);
            }
        });
        assertThat(result.curvesCompleted()).isZero();
        assertThat(result.failures()).hasSize(Stage2Executor.MAX_CONSECUTIVE_FAILURES).isEqualTo(failures);
        assertThat(result.failures().getFirst().reason()).contains("exit", "code 1", "stand-in ecm crashes");
        assertThat(result.failures().getFirst().lineNumber()).isEqualTo(residues.getFirst().lineNumber());
    }

    @Test
    void aHungWorkerIsEndedAtTheCurveTimeoutAndTheQueuedLineGetsItsOwnTimeout() throws Exception {
        EcmBinary hanging = EcmBinary.probe(FaultWrappers.install("ecm-resume-hangs", dir), children);
        Stage2Request request = new Stage2Request(planted.n(), B1, null, residues.subList(0, 2), 1, false, 0,
                Duration.ofMillis(500), List.of());
        Stage2Result result = new Stage2Executor(hanging, children).run(request, Stage2Listener.NONE);
        assertThat(result.failures()).hasSize(2).allSatisfy(f -> assertThat(f.reason()).contains("timeout"));
        assertThat(result.failures()).extracting(CurveFailure::lineNumber)
                .containsExactly(residues.get(0).lineNumber(), residues.get(1).lineNumber());
        assertThat(result.curvesCompleted()).isZero();
    }

    @Test
    void curvesEachShorterThanTheTimeoutAreNotEndedThoughTogetherTheyRunLonger() {
        // the watchdog's one check, due at the first curve's deadline, must find later curves' deadlines ahead;
        // the timeout is 4 times one curve (with its process start) timed on this machine now, so a slow machine
        // does not end a curve for being slow, and the 13 or more curves together still run over 3 times it
        BigInteger b2 = BigInteger.valueOf(100_000_000);
        Stage2Result one = new Stage2Executor(ecm, children).run(new Stage2Request(quiet.n(), B1, b2,
                quietResidues.subList(0, 1), 1, true, 0, Duration.ofMinutes(2), List.of()), Stage2Listener.NONE);
        Duration timeout = one.elapsed().multipliedBy(4);
        Stage2Request request = new Stage2Request(quiet.n(), B1, b2, quietResidues, 1, true, 0, timeout, List.of());
        Stage2Result result = new Stage2Executor(ecm, children).run(request, Stage2Listener.NONE);
        assertThat(result.elapsed()).as("the curves together must outlast the timeout for this to test anything")
                .isGreaterThan(timeout.multipliedBy(3).dividedBy(2));
        assertThat(result.failures()).isEmpty();
        assertThat(result.curvesCompleted()).isEqualTo(quietResidues.size());
    }

    @Test
    void eachWorkerKeepsTheNextLinesQueuedInEcm() {
        List<Residue> some = quietResidues.subList(0, 6);
        RecordingCurves curves = new RecordingCurves(some, -1);
        List<String> output = new CopyOnWriteArrayList<>();
        // curves of 11 to 14 ms here (2 to 25 would do): with B2=2e6 they took 1 or 2 ms on a fast machine, and after
        // a curve of 1 ms (too short to measure) the worker rightly queued only one line: 1 run in 4 failed
        runWorker(curves, BigInteger.valueOf(10_000_000), output);

        // each line is claimed and written behind the running one before that one's sentinel comes back; once ecm
        // has said how long a curve takes, the worker queues as many as outlast a sleep (all of them)
        assertThat(curves.events).containsExactly("take 0", "start", "queue 1", "done 0 COMPLETED", "queue 2",
                "queue 3", "queue 4", "queue 5", "done 1 COMPLETED", "done 2 COMPLETED", "done 3 COMPLETED",
                "done 4 COMPLETED", "done 5 COMPLETED");
        assertThat(output).filteredOn(l -> l.startsWith("Step 2 took")).hasSize(6);
        assertThat(output).filteredOn(l -> l.startsWith("Save file line has unknown tag"))
                .containsExactly(IntStream.range(0, 6).mapToObj(i -> "Save file line has unknown tag: DONE00000000" + i)
                        .toArray(String[]::new));
    }

    @Test
    void withShortCurvesOneReadOfEcmsOutputBringsTheEndsOfSeveral() {
        // curves of about 10 ms (B2=1e7; with 2e6 they took 1 to 6 ms on a fast machine, and a curve of 1 ms is too
        // short to measure): after the first one the worker keeps up to 10 lines in ecm and, once a curve's stage 2
        // has begun, sleeps through most of the queued ones, so one wake-up reads several curves' ends. With one line
        // queued a worker reads about twice a curve (the end of a curve, then the rest of the burst)
        List<Residue> some = quietResidues.subList(0, 12);
        RecordingCurves curves = new RecordingCurves(some, -1);
        List<String> output = new CopyOnWriteArrayList<>();
        long reads = runWorker(curves, BigInteger.valueOf(10_000_000), output, ResumeWorker.BURST_PAUSE_MILLIS);

        assertThat(output).filteredOn(l -> l.startsWith("Step 2 took")).hasSize(12);
        assertThat(curves.events).filteredOn(e -> e.startsWith("done"))
                .containsExactly(IntStream.range(0, 12).mapToObj(i -> "done " + i + " COMPLETED").toArray(String[]::new));
        // measured: 6 to 10 reads (5 to 9 with B2=2e6); 27 with one line queued and no sleep
        assertThat(reads).as("pipe reads for 12 curves").isLessThanOrEqualTo(16);
    }

    @Test
    void theLinesQueuedBehindAKilledCurveRunOnceOnTheNextProcess() {
        // ecm is killed as curve 1 begins (curves of some 20-30 ms: the worker reads curve 1's start with curve 0's
        // end, and by then it has queued as many lines as outlast a sleep behind it: 5 or so)
        List<Residue> some = quietResidues.subList(0, 10);
        RecordingCurves curves = new RecordingCurves(some, 1);
        List<String> output = new CopyOnWriteArrayList<>();
        runWorker(curves, BigInteger.valueOf(20_000_000L), output);

        List<String> done = curves.events.stream().filter(e -> e.startsWith("done")).toList();
        List<String> died = done.stream().filter(e -> e.endsWith("DIED")).toList();
        assertThat(died).as("the curve ecm was running when killed").hasSize(1);
        int dead = Integer.parseInt(died.getFirst().split(" ")[1]);
        assertThat(done).as("every line once, in order").containsExactly(IntStream.range(0, 10)
                .mapToObj(i -> "done " + i + (i == dead ? " DIED" : " COMPLETED")).toArray(String[]::new));
        List<Integer> queuedBehind = curves.events.subList(0, curves.events.indexOf(died.getFirst())).stream()
                .filter(e -> e.startsWith("queue ")).map(e -> Integer.parseInt(e.substring(6))).filter(i -> i > dead).toList();
        assertThat(queuedBehind).as("lines in ecm behind the killed curve").hasSizeGreaterThanOrEqualTo(2);
        assertThat(curves.events).filteredOn(e -> e.equals("start")).hasSize(2);
        assertThat(curves.events.subList(curves.events.lastIndexOf("start"), curves.events.size()))
                .as("sent again to the next process, and run there")
                .containsAll(queuedBehind.stream().map(i -> "done " + i + " COMPLETED").toList());
        assertThat(output).filteredOn(l -> l.startsWith("Step 2 took")).hasSize(9);
        assertThat(output).filteredOn(l -> l.startsWith("Resuming ECM residue")).as("each curve starts once").hasSize(10);
    }

    @Test
    void aWorkerSleepingThroughCurvesWakesUpWhenItsEcmIsEnded() throws Exception {
        // curves of some 20-30 ms: once the first has ended the worker sleeps through several at a time (up to
        // 100 ms); 10 ms after the fourth curve's stage 2 begins, most likely in such a sleep, the run stops and ends ecm (as a factor found by another worker does), and the worker must be done at
        // once, not when its sleep is over
        RecordingCurves curves = new RecordingCurves(quietResidues.subList(0, 12), -1).stoppingAtStage2Start(4, 10);
        runWorker(curves, BigInteger.valueOf(20_000_000L), new CopyOnWriteArrayList<>());
        long afterMillis = (System.nanoTime() - curves.endedAt) / 1_000_000;

        assertThat(curves.endedAt).as("ecm was ended mid-run").isPositive();
        curves.stopper.join();
        // failed 3 runs of 3 with the sleep not ended by ecm's exit
        assertThat(afterMillis).as("ms from ecm ended to the worker done").isLessThan(60);
    }

    @Test
    void aWorkersSleepThroughShortCurvesNeverOutlastsTheCurveTimeout() {
        // curves of some 20 ms, up to 10 lines in ecm and a cap of 1 s on a sleep: without a bound from the timeout
        // the worker would sleep through about 7 curves (four fifths of 9 queued), and a timeout of 5 curves would
        // pass while it sleeps: the watchdog would end ecm, and the curve running then would be reported timed out
        // though it was well within its time (as in a CI run of a shorter-timeout test). Sleeping at most half the
        // time left to the deadline, every curve completes
        BigInteger b2 = BigInteger.valueOf(20_000_000L);
        List<String> timing = new CopyOnWriteArrayList<>();
        runWorker(new RecordingCurves(quietResidues.subList(0, 3), -1), b2, timing);
        long curveMillis = timing.stream().filter(l -> l.startsWith("Step 2 took "))
                .mapToLong(l -> Long.parseLong(l.substring(12).replaceAll("\\D", ""))).min().orElseThrow();
        assumeThat(curveMillis).as("curves long enough to time (Step 2 took, ms)").isGreaterThanOrEqualTo(4);
        Duration timeout = Duration.ofMillis(5 * curveMillis);
        // what this tests: curves as short as the shortest timed would make an unbounded sleep outlast the timeout
        assertThat(ResumeWorker.sleepThroughCurves(ResumeWorker.MAX_LINES_IN_ECM - 1, curveMillis, 1000))
                .isGreaterThan(timeout.toMillis());
        List<Residue> lines = quietResidues.subList(0, Math.min(16, quietResidues.size()));
        RecordingCurves curves = new RecordingCurves(lines, -1);
        runWorker(curves, b2, new CopyOnWriteArrayList<>(), ResumeWorker.BURST_PAUSE_MILLIS, 1000, timeout);

        assertThat(curves.events).as("a curve of %d ms under a timeout of %s", curveMillis, timeout)
                .filteredOn(e -> e.startsWith("done ")).hasSize(lines.size())
                .allSatisfy(e -> assertThat(e).endsWith(" COMPLETED"));
    }

    @Test
    void curvesEcmRanWhileItsWorkerSleptCountWhenTheRunStops() throws Exception {
        // curves of some 60 ms, several lines in ecm and sleeps through several curves (a cap of 1 s instead of
        // 100 ms): once ecm's pipe holds, unread by the worker (it sleeps), enough output for two whole curves
        // wherever the worker's last read ended, the run stops and kills ecm. Each curve ecm finished is reported
        // completed (not left to run again), and only those
        List<Residue> lines = quietResidues.subList(0, Math.min(16, quietResidues.size()));
        RecordingCurves curves = new RecordingCurves(lines, -1).stoppingWhenTwoCurvesUnread();
        List<String> output = new CopyOnWriteArrayList<>();
        runWorker(curves, BigInteger.valueOf(100_000_000L), output, ResumeWorker.BURST_PAUSE_MILLIS, 1000);
        curves.stopper.join();

        assertThat(curves.endedAt).as("ecm was ended mid-run").isPositive();
        List<String> completed = curves.events.stream().filter(e -> e.endsWith(" COMPLETED")).toList();
        assertThat(completed).as("each curve once").doesNotHaveDuplicates();
        assertThat(completed).as("one per Step 2 took ecm printed")
                .hasSize((int) output.stream().filter(l -> l.startsWith("Step 2 took")).count());
        assertThat(curves.completedAfterStop).as("the curve slept through and a line queued behind it")
                .isGreaterThanOrEqualTo(2);
        assertThat(completed).hasSizeLessThan(lines.size());
    }

    @Test
    void aCurveCostsTheWorkerAFewReadsOfEcmsOutputNotOneAFragment() {
        // ecm flushes 11 fragments a curve (the Using line alone is 6); after any line but Step 1 took the worker
        // waits before reading on, so a curve's lines come in at most 2 reads: Step 2 took (the end of a long wait),
        // then after the pause the sentinel's echo and the queued next curve's start up to its Step 1 took (fewer
        // when curves are shorter than the pause). The pause is 50 ms here instead of 2, so that a loaded machine
        // pausing ecm mid-burst does not add reads. Measured: 5 reads; 43 with the pacing taken out; 11 a curve in
        // a warmed-up run before it (strace)
        List<Residue> some = quietResidues.subList(0, 8);
        RecordingCurves curves = new RecordingCurves(some, -1);
        List<String> output = new CopyOnWriteArrayList<>();
        long reads = runWorker(curves, BigInteger.valueOf(2_000_000), output, 50);
        assertThat(output).filteredOn(l -> l.startsWith("Step 2 took")).hasSize(8);
        assertThat(reads).as("pipe reads for 8 curves").isLessThanOrEqualTo(2 + 8 * 2 + 3);
    }

    private void runWorker(RecordingCurves curves, BigInteger b2, List<String> output) {
        runWorker(curves, b2, output, ResumeWorker.BURST_PAUSE_MILLIS);
    }

    /** @return the worker's reads of ecm's output pipes */
    private long runWorker(RecordingCurves curves, BigInteger b2, List<String> output, long burstPauseMillis) {
        return runWorker(curves, b2, output, burstPauseMillis, ResumeWorker.CURVES_PAUSE_CAP_MILLIS);
    }

    private long runWorker(RecordingCurves curves, BigInteger b2, List<String> output, long burstPauseMillis,
                           long curvesPauseCapMillis) {
        return runWorker(curves, b2, output, burstPauseMillis, curvesPauseCapMillis, Duration.ofMinutes(2));
    }

    private long runWorker(RecordingCurves curves, BigInteger b2, List<String> output, long burstPauseMillis,
                           long curvesPauseCapMillis, Duration curveTimeout) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            ResumeWorker worker = new ResumeWorker(1, EcmCommand.resumeFromStdin(ecm, B1, b2), true, children, timer, (w, line) -> {
                output.add(line);
                curves.saw(line);
            }, burstPauseMillis, curvesPauseCapMillis);
            worker.runAll(curves, curveTimeout);
            return worker.pipeReads();
        } catch (ResumeWorker.CannotStart e) {
            throw new AssertionError(e);
        } finally {
            timer.shutdownNow();
        }
    }

    /** Hands out lines in order and writes down what the worker asked and was told; can kill ecm mid-curve. */
    private static final class RecordingCurves implements ResumeWorker.Curves {
        final List<String> events = new ArrayList<>();
        private final List<Residue> lines;
        private final int killAt;
        private int next;
        private int usingLines;
        private boolean killed;
        private volatile Process process;
        private int stopAtStage2Start = -1;
        private long stopDelayMillis;
        private boolean stopWhenTwoCurvesUnread;
        /** The most bytes of output up to a Step 2 took from the one before (one curve's) seen so far. */
        private volatile long mostBytesPerCurve;
        /** Bytes of output since the last Step 2 took (from ecm's first line, for the first curve). */
        private long bytesSinceStep2;
        private int step2Lines;
        private int stage2Starts;
        private volatile boolean stopping;
        /** When the stopper ended ecm ({@link System#nanoTime}), 0 before. */
        volatile long endedAt;
        /** Curves reported completed once the run was stopping (by the worker's thread). */
        int completedAfterStop;
        /** The thread that stops the run, once started. */
        volatile Thread stopper;

        RecordingCurves(List<Residue> lines, int killAt) {
            this.lines = lines;
            this.killAt = killAt;
        }

        /**
         * Stops the run and ends ecm {@code delayMillis} after the {@code n}-th {@code Step 1 took} is read, from
         * another thread (as a factor found by another worker does), while the worker may be asleep.
         */
        RecordingCurves stoppingAtStage2Start(int n, long delayMillis) {
            this.stopAtStage2Start = n;
            this.stopDelayMillis = delayMillis;
            return this;
        }

        /**
         * Stops the run and kills ecm once its stdout pipe holds, unread by the worker, as many bytes as any two curves
         * print, so that at least two curve ends are in it wherever the worker's last read stopped; watched from
         * another thread from the first curve's end on (the worker's first long sleep comes right after it), for at
         * most 10 s. A curve prints from one Step 2 took to the next: the sentinel's echo and the next line's start
         * (the first one: ecm's banner instead of an echo, a little longer); a curve that finds a factor prints three
         * lines more (under 200 bytes), so the bound is twice the most seen so far plus twice 200. Until 2026-12-05
         * it was 1.5 times the fewest seen, watched from the second curve's end, with curves that found the p12 now
         * and then: such a curve could fill that without a second end, and the first sleep could pass unwatched; the
         * test failed about 1 run in 8.
         */
        RecordingCurves stoppingWhenTwoCurvesUnread() {
            this.stopWhenTwoCurvesUnread = true;
            return this;
        }

        @Override
        public ResumeWorker.Curve next(int inEcm) {
            if (next >= lines.size()) {
                return null;
            }
            events.add((inEcm > 0 ? "queue " : "take ") + next);
            return new ResumeWorker.Curve(next, lines.get(next++));
        }

        @Override
        public void finished(ResumeWorker.Curve curve, CurveOutcome outcome) {
            events.add("done " + curve.index() + " " + outcome.status());
            if (stopping && outcome.status() == CurveOutcome.Status.COMPLETED) {
                completedAfterStop++;
            }
        }

        @Override
        public boolean stopping() {
            return stopping;
        }

        @Override
        public void started(Process p) {
            events.add("start");
            process = p;
        }

        /**
         * Kills ecm when it prints the Using line of curve killAt (the worker's thread, before it reads on); starts
         * the stopper at the chosen Step 1 took.
         */
        void saw(String line) {
            if (line.startsWith("Using B1") && usingLines++ == killAt && !killed) {
                killed = true;
                process.destroyForcibly();
                process.onExit().join();
            }
            if (!line.startsWith("stderr")) {
                bytesSinceStep2 += line.length() + 1;
            }
            if (line.startsWith("Step 2 took ")) {
                mostBytesPerCurve = Math.max(mostBytesPerCurve, bytesSinceStep2);
                bytesSinceStep2 = 0;
                if (++step2Lines == 1 && stopWhenTwoCurvesUnread) {
                    Process p = process;
                    stopper = Thread.ofPlatform().start(() -> {
                        long giveUp = System.nanoTime() + 10_000_000_000L;
                        try {
                            while (p.getInputStream().available() < 2 * (mostBytesPerCurve + 200)
                                    && System.nanoTime() < giveUp) {
                                Thread.sleep(2);
                            }
                        } catch (IOException | InterruptedException e) {
                            return;
                        }
                        stopRun(p);
                    });
                }
            }
            if (line.startsWith("Step 1 took") && ++stage2Starts == stopAtStage2Start) {
                stopper = Thread.ofPlatform().start(() -> {
                    try {
                        Thread.sleep(stopDelayMillis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    stopRun(process);
                });
            }
        }

        /** What Stage2Executor's stop does: the run is stopping, and ecm is killed (its pipe left to read). */
        private void stopRun(Process p) {
            stopping = true;
            endedAt = System.nanoTime();
            ChildProcesses.kill(p);
        }
    }

    private Stage2Request request(List<Residue> lines, BigInteger b2, int workers, boolean continueAfterFactor, int progress) {
        return new Stage2Request(planted.n(), B1, b2, lines, workers, continueAfterFactor, progress, Duration.ofMinutes(2), List.of());
    }
}
