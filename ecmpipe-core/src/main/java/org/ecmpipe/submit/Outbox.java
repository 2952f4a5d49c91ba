package org.ecmpipe.submit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.ecmpipe.durable.AtomicFile;

/**
 * Results waiting to be submitted: one JSON file per submission in {@code WORK_DIR/outbox}, written durably
 * (temporary file, fsync, rename) before any send is tried, and removed only once the server has taken it.
 * Submissions the server refuses (4xx) move to {@code outbox/rejected} with the server's answer beside them.
 */
public final class Outbox {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** One waiting submission. */
    public record Entry(String submissionId, Path file, ObjectNode body) {
    }

    private final Path dir;

    public Outbox(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public Entry add(ObjectNode body) throws IOException {
        String id = body.get("submission_id").asText();
        Path file = dir.resolve(id + ".json");
        AtomicFile.write(file, MAPPER.writeValueAsBytes(body));
        return new Entry(id, file, body);
    }

    /** Waiting submissions, oldest first. Unreadable files are moved to {@code rejected} and reported. */
    public List<Entry> pending() throws IOException {
        List<Entry> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.json")) {
            stream.forEach(files::add);
        }
        files.sort((a, b) -> {
            try {
                return Files.getLastModifiedTime(a).compareTo(Files.getLastModifiedTime(b));
            } catch (IOException e) {
                return a.compareTo(b);
            }
        });
        for (Path f : files) {
            try {
                ObjectNode body = (ObjectNode) MAPPER.readTree(f.toFile());
                out.add(new Entry(body.get("submission_id").asText(), f, body));
            } catch (IOException | ClassCastException | NullPointerException e) {
                reject(f, "unreadable outbox file: " + e.getMessage());
            }
        }
        return out;
    }

    public void remove(Entry entry) throws IOException {
        Files.deleteIfExists(entry.file());
    }

    /** Moves a submission the server will never take out of the way, with the reason beside it. */
    public void reject(Entry entry, String reason) throws IOException {
        reject(entry.file(), reason);
    }

    private void reject(Path file, String reason) throws IOException {
        Path rejected = dir.resolve("rejected");
        Files.createDirectories(rejected);
        Files.move(file, rejected.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(rejected.resolve(file.getFileName() + ".reason.txt"), reason + "\n");
    }
}
