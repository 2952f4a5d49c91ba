package org.ecmpipe.ledger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ecmpipe.durable.AppendLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work dir's journal: an append-only JSON Lines file ({@code journal.jsonl}). Each event is forced to disk
 * before {@link #append} returns, so it is durable before the step it records is followed by the next. A line
 * cut short by a crash is ignored on replay.
 */
final class Journal implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);

    private final Path path;
    private final ObjectMapper mapper = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private final JournalState state = new JournalState();
    private final AppendLog log;

    private Journal(Path path) throws IOException {
        this.path = path;
        if (Files.exists(path)) {
            replay();
            AppendLog.dropTornTail(path);
        }
        this.log = new AppendLog(path);
    }

    static Journal open(Path file) throws IOException {
        return new Journal(file);
    }

    private void replay() throws IOException {
        List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                state.apply(mapper.readValue(line, JournalEvent.class));
            } catch (JsonProcessingException e) {
                if (i == lines.size() - 1) {
                    LOG.warn("{} line {}: cut short (a crash while writing it), ignored", path, i + 1);
                } else {
                    throw new IOException(path + " line " + (i + 1) + " is not a journal event: " + e.getOriginalMessage(), e);
                }
            }
        }
    }

    /** The state replayed from the file when it was opened, kept up to date by {@link #append}. */
    synchronized JournalState state() {
        return state;
    }

    Path path() {
        return path;
    }

    /**
     * Writes the event and forces it to disk.
     *
     * @throws IOException naming the journal, when the event could not be made durable (disk full, read-only)
     */
    synchronized void append(JournalEvent event) throws IOException {
        String line = mapper.writeValueAsString(event);
        try {
            log.append(line);
        } catch (IOException e) {
            throw new IOException("cannot write to the journal " + path + ": " + e.getMessage(), e);
        }
        state.apply(event);
    }

    @Override
    public synchronized void close() throws IOException {
        log.close();
    }
}
