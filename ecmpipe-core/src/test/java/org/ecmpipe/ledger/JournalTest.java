package org.ecmpipe.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
    @TempDir
    Path dir;

    @Test
    void replaysEveryNumbersStateAndSurvivesATornLastLine() throws Exception {
        try (Journal j = Journal.open(dir.resolve("journal.jsonl"))) {
            j.append(new JournalEvent.RunStarted(Instant.now(), 11000, 3, 8, "n.txt", 1));
            j.append(new JournalEvent.Stage1Started(Instant.now(), "77"));
            j.append(new JournalEvent.Stage1Done(Instant.now(), "77", "r.sav", "abc", 8, 1.5,
                    List.of(new JournalEvent.FoundFactorEntry("7", 1, "3:5")), "7.0.5", 11000L));
            j.append(new JournalEvent.Stage2Partial(Instant.now(), "77", List.of(1, 2), 0.5, List.of(), "1873422"));
            j.append(new JournalEvent.Stage2Partial(Instant.now(), "77", List.of(3), 0.25, List.of(), "1873422"));
            j.append(new JournalEvent.Stage1Done(Instant.now(), "91", "s.sav", null, 8, 1, List.of(), "7.0.5", null));
            j.append(new JournalEvent.ResultWritten(Instant.now(), "91", "done", false));
            j.append(new JournalEvent.ProcessStarted(Instant.now(), 42, Instant.now(), "/usr/bin/ecm -resume -"));
            j.append(new JournalEvent.ProcessStarted(Instant.now(), 43, Instant.now(), "/usr/bin/ecm"));
            j.append(new JournalEvent.ProcessEnded(Instant.now(), 43));
        }
        Files.writeString(dir.resolve("journal.jsonl"), "{\"event\":\"result_wri", StandardOpenOption.APPEND); // crash mid-line

        try (Journal j = Journal.open(dir.resolve("journal.jsonl"))) {
            JournalState s = j.state();
            assertThat(s.lastRun()).get().extracting(JournalEvent.RunStarted::b1).isEqualTo(11000L);
            assertThat(s.stage1Done("77")).get().extracting(JournalEvent.Stage1Done::sha256).isEqualTo("abc");
            assertThat(s.partialStage2("77")).get().satisfies(p -> {
                assertThat(p.completedLines()).containsExactlyInAnyOrder(1, 2, 3);
                assertThat(p.seconds()).isEqualTo(0.75);
            });
            assertThat(s.finished("91")).isTrue();
            assertThat(s.finished("77")).isFalse();
            assertThat(s.unfinishedWithStage1()).containsExactly("77");
            assertThat(s.possiblyLiveProcesses()).extracting(JournalEvent.ProcessStarted::pid).containsExactly(42L);
            j.append(new JournalEvent.ResultWritten(Instant.now(), "77", "done", false)); // appends after the cut line
        }
        try (Journal j = Journal.open(dir.resolve("journal.jsonl"))) {
            assertThat(j.state().finished("77")).isTrue();
        }
    }

    @Test
    void aCorruptLineInTheMiddleIsAnError() throws Exception {
        Files.writeString(dir.resolve("journal.jsonl"), "garbage\n{\"event\":\"process_ended\",\"at\":\"2026-01-01T00:00:00Z\",\"pid\":1}\n");
        assertThatThrownBy(() -> Journal.open(dir.resolve("journal.jsonl"))).hasMessageContaining("line 1 is not a journal event");
    }

    @Test
    void endsOnlyTheProcessesItRecordedAndNotARecycledPid() throws Exception {
        Process orphan = new ProcessBuilder("sleep", "60").start();
        Process stranger = new ProcessBuilder("sleep", "60").start();
        try (Journal j = Journal.open(dir.resolve("journal.jsonl"))) {
            Instant started = orphan.info().startInstant().orElseThrow();
            j.append(new JournalEvent.ProcessStarted(Instant.now(), orphan.pid(), started, "/usr/bin/sleep 60"));
            // same pid as a live process, but another start time: a pid reused by an unrelated process
            j.append(new JournalEvent.ProcessStarted(Instant.now(), stranger.pid(), started.minus(Duration.ofHours(1)), "/usr/bin/sleep 60"));
            List<JournalEvent.ProcessStarted> ended = OrphanReaper.reap(j, java.time.Clock.systemUTC());
            assertThat(ended).extracting(JournalEvent.ProcessStarted::pid).containsExactly(orphan.pid());
            assertThat(orphan.waitFor(5, TimeUnit.SECONDS)).isTrue();
            assertThat(stranger.isAlive()).isTrue();
            assertThat(j.state().possiblyLiveProcesses()).isEmpty();
        } finally {
            orphan.destroyForcibly();
            stranger.destroyForcibly();
        }
    }

    @Test
    void oneRunPerWorkDir() throws Exception {
        Path lockFile = dir.resolve("ecmpipe.lock");
        try (WorkDirLock lock = WorkDirLock.acquire(lockFile)) {
            assertThatThrownBy(() -> WorkDirLock.acquire(lockFile)).isInstanceOf(WorkDirException.class)
                    .hasMessageContaining("is using the work dir");
        }
        WorkDirLock.acquire(lockFile).close();
    }
}
