package org.ecmpipe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.ecmpipe.journal.Journal;
import org.ecmpipe.journal.JournalEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What an earlier run left in a work dir, as far as a new run must know before it starts. */
final class WorkDirState {
    private static final Logger log = LoggerFactory.getLogger(WorkDirState.class);

    private WorkDirState() {
    }

    /**
     * Numbers that already have a result: in the results file (the source of truth: a crash between writing a
     * result and journaling it must not give the number a second line) or journaled as written.
     */
    static Set<String> finishedNumbers(Path results, Journal journal, List<String> candidates) throws IOException {
        Set<String> done = new HashSet<>();
        if (Files.exists(results)) {
            ObjectMapper mapper = new ObjectMapper();
            List<String> lines = Files.readAllLines(results);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) {
                    continue;
                }
                try {
                    JsonNode row = mapper.readTree(lines.get(i));
                    done.add(row.get("composite").asText());
                } catch (IOException | NullPointerException e) {
                    log.warn("{} line {} is not a result line: ignored", results, i + 1);
                }
            }
        }
        for (String n : candidates) {
            if (journal.state().finished(n)) {
                done.add(n);
            }
        }
        return done;
    }

    /**
     * Why residues of an earlier run cannot be reused by this one (another B1 or parametrization), or null.
     */
    static String incompatibility(Journal journal, long b1, int param) {
        JournalEvent.RunStarted last = journal.state().lastRun().orElse(null);
        if (last == null || journal.state().unfinishedWithStage1().isEmpty()) {
            return null;
        }
        if (last.b1() != b1) {
            return "holds stage-1 residues at B1=" + last.b1() + " for " + journal.state().unfinishedWithStage1().size()
                    + " unfinished number(s); this run asks for B1=" + b1;
        }
        if (last.param() != param) {
            return "holds param-" + last.param() + " residues; this run makes param-" + param + " curves";
        }
        return null;
    }

    /** {@code --restart}: sets the journal, results and residues aside (renamed with a time stamp), keeps the outbox. */
    static void restart(Path workDir, Path results) throws IOException {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path journal = workDir.resolve(Journal.FILE);
        if (Files.exists(journal)) {
            Files.move(journal, workDir.resolve("journal." + stamp + ".jsonl"));
        }
        if (Files.exists(results)) {
            Path aside = results.resolveSibling(results.getFileName().toString().replaceFirst("(\\.jsonl)?$", "." + stamp + ".jsonl"));
            Files.move(results, aside);
            log.warn("--restart: earlier results moved to {}", aside);
        }
        Path residues = workDir.resolve("residues");
        if (Files.isDirectory(residues)) {
            Files.move(residues, workDir.resolve("residues." + stamp));
        }
    }

    /**
     * Removes residue files no unfinished number needs any more (left by runs cut off mid-stage 1). Not called
     * with {@code --keep-residues}, which keeps every residue file.
     */
    static void removeStaleResidues(Path residueDir, Journal journal) throws IOException {
        if (!Files.isDirectory(residueDir)) {
            return;
        }
        Set<Path> needed = new HashSet<>();
        for (String n : journal.state().unfinishedWithStage1()) {
            journal.state().stage1Done(n).ifPresent(d -> needed.add(Path.of(d.residueFile()).toAbsolutePath().normalize()));
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(residueDir)) {
            for (Path f : files) {
                if (!needed.contains(f.toAbsolutePath().normalize())) {
                    Files.deleteIfExists(f);
                    log.debug("removed stale residue file {}", f);
                }
            }
        }
    }
}
