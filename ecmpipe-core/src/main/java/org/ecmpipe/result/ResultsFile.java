package org.ecmpipe.result;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ecmpipe.durable.AppendLog;

/**
 * The JSON Lines results file, written and read. Each result is appended as one line and forced to disk before
 * {@link #append} returns, so a crash never loses a result that was reported as written; {@link #read} is the one
 * reader of the format (resume, summaries and tests use it).
 */
public final class ResultsFile implements AutoCloseable {
    private final AppendLog log;
    private final ResultJson json = new ResultJson();

    /** What a results file holds: its results, and its lines that are not results (with their line numbers). */
    public record Contents(List<CompositeResult> results, List<String> problems) {
        public Contents {
            results = List.copyOf(results);
            problems = List.copyOf(problems);
        }
    }

    public ResultsFile(Path path) throws IOException {
        AppendLog.dropTornTail(path);
        this.log = new AppendLog(path);
    }

    public Path path() {
        return log.path();
    }

    /** Appends the result as one line and forces it to disk. */
    public void append(CompositeResult result) throws IOException {
        log.append(json.toLine(result));
    }

    /** The result as its results-file line (no newline). */
    public static String line(CompositeResult result) {
        return new ResultJson().toLine(result);
    }

    /**
     * Reads every result of a results file; a missing file has none. A line that is not a result (hand-edited,
     * cut short by a crash) is listed in {@code problems} as {@code line N: why}, not thrown.
     */
    public static Contents read(Path path) throws IOException {
        if (!Files.exists(path)) {
            return new Contents(List.of(), List.of());
        }
        ResultJson json = new ResultJson();
        List<CompositeResult> results = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            try {
                results.add(json.fromLine(lines.get(i)));
            } catch (IllegalArgumentException e) {
                problems.add("line " + (i + 1) + ": " + e.getMessage());
            }
        }
        return new Contents(results, problems);
    }

    @Override
    public void close() throws IOException {
        log.close();
    }
}
