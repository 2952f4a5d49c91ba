package org.ecmpipe.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ecmpipe.composite.Composite;
import org.ecmpipe.pipeline.PlannedNumber;
import org.ecmpipe.result.CompositeResult;
import org.ecmpipe.result.ResultsFile;
import org.ecmpipe.settings.Catalog;
import org.ecmpipe.settings.ConfigFile;
import org.ecmpipe.settings.Settings;
import org.ecmpipe.testing.EcmChildren;
import org.ecmpipe.testing.PlantedNumbers;
import org.ecmpipe.testing.SmallFilesystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batch engine with the real ecm, and a work dir on a real small filesystem that fills up or turns read-only in
 * the middle of a run: the run stops with a message naming what could not be written, everything recorded before is
 * intact, and the same run again (once there is room) finishes the rest, each number exactly once.
 */
class BatchRunTest {
    @RegisterExtension
    final EcmChildren ecmChildren = new EcmChildren();

    @TempDir
    Path dir;

    /**
     * Ten numbers: after the disk fills, appends still land in the free tail of a file's last 4 KiB page, so it takes
     * a few numbers before a write needs a new page and fails.
     */
    private static List<Composite> numbers() {
        List<Composite> numbers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            BigInteger n = PlantedNumbers.planted(700 + i, 35, 35).n(); // nothing to find: every stage runs
            numbers.add(new Composite(i + 1, n.toString(), n));
        }
        return numbers;
    }

    private static RunSettings settings(Path workDir) {
        return settings(workDir, "20000", "2e6", "4");
    }

    /** A CPU run without submission, one stage-2 worker, as given on the command line. */
    private static RunSettings settings(Path workDir, String b1, String b2, String curves) {
        Map<String, String> given = new HashMap<>();
        given.put("gpu.enabled", "false");
        given.put("ecm.b1", b1);
        given.put("ecm.b2", b2);
        given.put("ecm.curves", curves);
        given.put("stage2.workers", "1");
        given.put("api.submit", "false");
        given.put("run.work_dir", workDir.toString());
        return RunSettings.from(Settings.resolve(Catalog.RUN, given, ConfigFile.empty()));
    }

    /** Breaks the filesystem as soon as the first number's result is recorded. */
    private static BatchListener afterFirstResult(Runnable breakIt) {
        return new BatchListener() {
            private boolean done;

            @Override
            public synchronized void numberFinished(PlannedNumber number, CompositeResult result) {
                if (!done) {
                    done = true;
                    breakIt.run();
                }
            }
        };
    }

    private void assertEachNumberOnceAfterRerun(Path work, List<Composite> numbers) throws IOException {
        BatchOutcome again = new BatchRun(settings(work), Clock.systemUTC()).run(new NumberSource("n.txt", numbers),
                BatchListener.NONE, false);
        assertThat(again.stopped()).isFalse();
        assertThat(again.earlier()).isNotEmpty();
        ResultsFile.Contents contents = ResultsFile.read(work.resolve("results.jsonl"));
        assertThat(contents.problems()).isEmpty();
        assertThat(contents.results()).extracting(CompositeResult::composite)
                .containsExactlyInAnyOrderElementsOf(numbers.stream().map(Composite::value).toList());
        assertThat(contents.results()).allSatisfy(r -> assertThat(r.status()).isEqualTo(CompositeResult.Status.DONE));
    }

    @Test
    void aFullDiskStopsTheRunNamingTheFileAndTheRerunFinishesTheRest() throws Exception {
        List<Composite> numbers = numbers();
        try (SmallFilesystem fs = SmallFilesystem.mount(dir.resolve("mnt"), "512k")) {
            Path work = fs.path().resolve("work");
            Path[] filler = new Path[1];
            BatchRun run = new BatchRun(settings(work), Clock.systemUTC());
            assertThatThrownBy(() -> run.run(new NumberSource("n.txt", numbers), afterFirstResult(() -> {
                try {
                    filler[0] = fs.fill();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }), false)).isInstanceOf(IOException.class)
                    // whichever write comes first: ours (naming the file), or ecm's own -save of a residue file
                    .hasMessageMatching("(?s)(.*(journal|results file|outbox).*No space left on device.*"
                            + "|cannot join stage-1 residue files into .*No space left on device.*"
                            + "|stage 1 of number \\d+ could not save its residues in .*is the disk full or read-only.*)");
            Files.delete(filler[0]);
            ResultsFile.Contents before = ResultsFile.read(work.resolve("results.jsonl"));
            // with shared cores (the default with --no-gpu) either number may finish first: the result written before the
            // disk filled is kept, whichever it is
            assertThat(before.results()).isNotEmpty().extracting(CompositeResult::composite)
                    .isSubsetOf(numbers.stream().map(Composite::value).toList());
            assertEachNumberOnceAfterRerun(work, numbers);
        }
    }

    @Test
    void aWorkDirOnAReadOnlyFilesystemIsRefusedBeforeAnyWorkAndKeepsItsResults() throws Exception {
        List<Composite> numbers = numbers().subList(0, 2);
        try (SmallFilesystem fs = SmallFilesystem.mount(dir.resolve("mnt"), "4m")) {
            Path work = fs.path().resolve("work");
            new BatchRun(settings(work), Clock.systemUTC()).run(new NumberSource("n.txt", numbers.subList(0, 1)),
                    BatchListener.NONE, false);
            fs.readOnly(); // no file is open now: a remount while the run wrote would be refused as busy
            assertThatThrownBy(() -> new BatchRun(settings(work), Clock.systemUTC()).run(new NumberSource("n.txt", numbers),
                    BatchListener.NONE, false)).isInstanceOf(BatchSetupException.class)
                    .hasMessageContaining("read-only file system");
            fs.writable();
            assertThat(ResultsFile.read(work.resolve("results.jsonl")).results()).hasSize(1);
            assertEachNumberOnceAfterRerun(work, numbers);
        }
    }

    @Test
    void aStopDuringCpuStage1KeepsTheSavedCurvesAndTheNextRunAddsOnlyTheRest() throws Exception {
        BigInteger n = PlantedNumbers.planted(720, 35, 35).n();
        List<Composite> one = List.of(new Composite(1, n.toString(), n));
        Path work = dir.resolve("w");
        RunSettings settings = settings(work, "300000", "0", "40");
        java.util.concurrent.atomic.AtomicReference<BatchOutcome> first = new java.util.concurrent.atomic.AtomicReference<>();
        Thread runner = Thread.ofPlatform().start(() -> {
            try {
                first.set(new BatchRun(settings, Clock.systemUTC()).run(new NumberSource("n", one), BatchListener.NONE, false));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        // stop once stage 1 has saved a few curves (ecm writes each curve's residue as it finishes it)
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> savedCurves(work) >= 4);
        runner.interrupt();
        runner.join(java.time.Duration.ofSeconds(60));
        assertThat(first.get().stopped()).isTrue();
        assertThat(Files.readString(work.resolve("journal.jsonl"))).contains("\"event\":\"stage1_partial\"");

        java.util.concurrent.atomic.AtomicInteger ranAgain = new java.util.concurrent.atomic.AtomicInteger();
        BatchListener counting = new BatchListener() {
            @Override
            public void stage1Output(String line) {
                if (line.startsWith("Step 1 took")) {
                    ranAgain.incrementAndGet();
                }
            }
        };
        BatchOutcome second = new BatchRun(settings, Clock.systemUTC()).run(new NumberSource("n", one), counting, false);
        assertThat(second.stopped()).isFalse();
        CompositeResult r = second.results().getFirst();
        assertThat(r.curves()).isEqualTo(40);
        assertThat(ranAgain.get()).as("curves run by the second run").isLessThanOrEqualTo(36).isEqualTo(40 - saved(work, r));
    }

    @Test
    void withoutAGpuStage1AndStage2WorkersAreCoresBothStagesShareUnlessFixedSplit() {
        Map<String, String> given = new HashMap<>(Map.of("gpu.enabled", "false", "ecm.b1", "11000", "ecm.curves", "8",
                "stage1.workers", "2", "stage2.workers", "3"));
        assertThat(RunSettings.from(Settings.resolve(Catalog.RUN, given, ConfigFile.empty())).sharedCores()).isEqualTo(5);
        given.put("stage1.fixed_split", "true");
        assertThat(RunSettings.from(Settings.resolve(Catalog.RUN, given, ConfigFile.empty())).sharedCores()).isZero();
        Map<String, String> gpu = Map.of("ecm.b1", "11000", "stage1.fixed_split", "true");
        assertThatThrownBy(() -> RunSettings.from(Settings.resolve(Catalog.RUN, gpu, ConfigFile.empty())))
                .hasMessageContaining("--fixed-split: needs --no-gpu");
        assertThat(RunSettings.from(Settings.resolve(Catalog.RUN, Map.of("ecm.b1", "11000"), ConfigFile.empty()))
                .sharedCores()).as("a GPU runs stage 1 on its own").isZero();
    }

    @Test
    void aStopMidBatchWithSharedCoresLosesNoCurveAndRunsNoneTwice() throws Exception {
        List<Composite> numbers = numbers().subList(0, 4);
        Path work = dir.resolve("shared");
        RunSettings settings = settings(work, "20000", "2e6", "24");
        assertThat(settings.sharedCores()).as("--no-gpu shares stage-1 + stage-2 workers' cores by default").isEqualTo(2);
        CurveCounter firstCounts = new CurveCounter();
        java.util.concurrent.atomic.AtomicReference<BatchOutcome> first = new java.util.concurrent.atomic.AtomicReference<>();
        Thread[] runner = new Thread[1];
        BatchListener stopAfterFirst = new CurveCounter() {
            @Override
            public void stage1Output(String line) {
                firstCounts.stage1Output(line);
            }

            @Override
            public org.ecmpipe.stage2.Stage2Listener stage2Listener(PlannedNumber number) {
                return firstCounts.stage2Listener(number);
            }

            @Override
            public void numberFinished(PlannedNumber number, CompositeResult result) {
                runner[0].interrupt(); // Ctrl-C: the first result is written, the next numbers are under way
            }
        };
        runner[0] = Thread.ofPlatform().start(() -> {
            try {
                first.set(new BatchRun(settings, Clock.systemUTC()).run(new NumberSource("n", numbers), stopAfterFirst,
                        false));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        runner[0].join(java.time.Duration.ofSeconds(120));
        assertThat(first.get().stopped()).isTrue();
        int again = stage1CurvesLeft(work, numbers, 24);

        CurveCounter secondCounts = new CurveCounter();
        BatchOutcome second = new BatchRun(settings, Clock.systemUTC()).run(new NumberSource("n", numbers), secondCounts,
                false);
        assertThat(second.stopped()).isFalse();
        List<CompositeResult> results = ResultsFile.read(work.resolve("results.jsonl")).results();
        assertThat(results).extracting(CompositeResult::composite)
                .containsExactlyInAnyOrderElementsOf(numbers.stream().map(Composite::value).toList());
        assertThat(results).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(CompositeResult.Status.DONE);
            assertThat(r.curves()).isEqualTo(24);
            assertThat(r.stage2Curves()).isEqualTo(24);
        });
        assertThat(secondCounts.stage1.get()).as("stage-1 curves the second run ran: only those no run had saved")
                .isEqualTo(again);
        assertThat(firstCounts.stage2.get() + secondCounts.stage2.get())
                .as("stage-2 curves completed over both runs: each saved curve exactly once").isEqualTo(4 * 24);
    }

    /** Curves whose stage 1 or stage 2 ecm finished (its {@code Step N took} line), as a listener sees them. */
    private static class CurveCounter implements BatchListener {
        final java.util.concurrent.atomic.AtomicInteger stage1 = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger stage2 = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public void stage1Output(String line) {
            if (line.startsWith("Step 1 took")) {
                stage1.incrementAndGet();
            }
        }

        @Override
        public org.ecmpipe.stage2.Stage2Listener stage2Listener(PlannedNumber number) {
            return new org.ecmpipe.stage2.Stage2Listener() {
                @Override
                public void ecmOutput(int worker, String line) {
                    if (line.startsWith("Step 2 took")) {
                        stage2.incrementAndGet();
                    }
                }
            };
        }
    }

    /**
     * Stage-1 curves a resumed run still has to run, from the journal: none for a number whose stage 1 is done, the
     * rest for one cut short, all for one not started.
     */
    private static int stage1CurvesLeft(Path work, List<Composite> numbers, int curves) throws IOException {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        Map<String, Integer> left = new HashMap<>();
        numbers.forEach(c -> left.put(c.value().toString(), curves));
        for (String line : Files.readAllLines(work.resolve("journal.jsonl"))) {
            var event = json.readTree(line);
            String kind = event.get("event").asText();
            if (kind.equals("stage1_done") || kind.equals("result_written")) {
                left.put(event.get("number").asText(), 0);
            } else if (kind.equals("stage1_partial")) {
                left.put(event.get("number").asText(), curves - event.get("curves").asInt());
            }
        }
        return left.values().stream().mapToInt(Integer::intValue).sum();
    }

    private static int savedCurves(Path work) throws IOException {
        Path residues = work.resolve("residues");
        if (!Files.isDirectory(residues)) {
            return 0;
        }
        try (var files = Files.list(residues)) {
            return files.mapToInt(f -> {
                try {
                    return (int) Files.readAllLines(f).stream().filter(l -> l.startsWith("METHOD=ECM")).count();
                } catch (IOException e) {
                    return 0;
                }
            }).max().orElse(0);
        }
    }

    /** The curves the stopped run had saved, as the journal recorded them. */
    private static int saved(Path work, CompositeResult r) throws IOException {
        for (String line : Files.readAllLines(work.resolve("journal.jsonl"))) {
            if (line.contains("\"event\":\"stage1_partial\"")) {
                return new com.fasterxml.jackson.databind.ObjectMapper().readTree(line).get("curves").asInt();
            }
        }
        return 0;
    }
}
