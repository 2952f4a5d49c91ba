package org.ecmpipe.fleet;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.ecmpipe.durable.AtomicFile;

/**
 * The units a worker holds, in {@code WORK_DIR/fleet/KIND-ID/unit.json} (written atomically and synced before the
 * unit's work starts and after each step), each with its own engine work dir {@code run/}. A unit leaves for
 * {@code fleet/finished/} (its residue files deleted) once the server has everything.
 */
final class UnitStore {
    private static final String UNIT = "unit.json";
    private final ObjectMapper mapper = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private final Path dir;

    UnitStore(Path fleetDir) {
        this.dir = fleetDir;
    }

    Path dir(WorkUnit unit) {
        return dir.resolve(unit.name());
    }

    /** The unit's engine work dir. */
    Path runDir(WorkUnit unit) {
        return dir(unit).resolve("run");
    }

    void save(WorkUnit unit) throws IOException {
        Files.createDirectories(dir(unit));
        AtomicFile.write(dir(unit).resolve(UNIT), mapper.writeValueAsBytes(unit));
    }

    /** The units left by an earlier worker on this work dir (killed, or stopped with work unsent), oldest first. */
    List<WorkUnit> held() throws IOException {
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, p -> Files.isRegularFile(p.resolve(UNIT)))) {
                s.forEach(p -> files.add(p.resolve(UNIT)));
            }
        }
        files.sort(Comparator.comparing(p -> {
            try {
                return Files.getLastModifiedTime(p);
            } catch (IOException e) {
                return java.nio.file.attribute.FileTime.fromMillis(0);
            }
        }));
        List<WorkUnit> out = new ArrayList<>();
        for (Path f : files) {
            out.add(mapper.readValue(f.toFile(), WorkUnit.class));
        }
        return out;
    }

    /** Moves the unit to {@code finished/} (results and journal kept, residue files deleted). */
    void finish(WorkUnit unit) throws IOException {
        Path from = dir(unit);
        if (!Files.isDirectory(from)) {
            return;
        }
        deleteTree(runDir(unit).resolve("residues"));
        Files.deleteIfExists(from.resolve(ClaimJob.RESIDUE_FILE));
        Path finished = dir.resolve("finished");
        Files.createDirectories(finished);
        Path to = finished.resolve(unit.name());
        deleteTree(to);
        Files.move(from, to);
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
