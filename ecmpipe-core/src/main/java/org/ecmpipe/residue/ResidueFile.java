package org.ecmpipe.residue;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ecmpipe.durable.AtomicFile;

/** Reading, writing and splitting GMP-ECM save files. */
public final class ResidueFile {

    /** What a file held: the good residues in file order, and every skipped line with its reason. */
    public record Contents(Path path, List<Residue> residues, List<ResidueProblem> problems, List<String> warnings) {
        public Contents {
            residues = List.copyOf(residues);
            problems = List.copyOf(problems);
            warnings = List.copyOf(warnings);
        }
    }

    private ResidueFile() {
    }

    /**
     * Reads every line; bad lines become {@link ResidueProblem}s and the rest are still returned. Accepts
     * {@code \n}, {@code \r\n} and {@code \r} line ends, as GMP-ECM does.
     */
    public static Contents read(Path path) throws IOException {
        List<Residue> residues = new ArrayList<>();
        List<ResidueProblem> problems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.ISO_8859_1)) {
            String text;
            int lineNumber = 0;
            while ((text = reader.readLine()) != null) {
                lineNumber++;
                switch (ResidueParser.parse(lineNumber, text)) {
                    case ResidueParser.Blank blank -> { }
                    case ResidueParser.Good good -> {
                        residues.add(good.residue());
                        warnings.addAll(good.warnings());
                    }
                    case ResidueParser.Bad bad -> problems.add(bad.problem());
                }
            }
        }
        return new Contents(path, residues, problems, warnings);
    }

    /** Writes the residues' lines to {@code path} atomically (temporary file, fsync, rename). */
    public static void write(Path path, List<Residue> residues) throws IOException {
        StringBuilder text = new StringBuilder();
        for (Residue r : residues) {
            text.append(r.line()).append('\n');
        }
        AtomicFile.write(path, text.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    /**
     * Splits residues into at most {@code parts} contiguous runs of near-equal size (the first runs get the extra
     * line), e.g. to hand out to machines. Empty runs are not returned.
     */
    public static List<List<Residue>> split(List<Residue> residues, int parts) {
        if (parts < 1) {
            throw new IllegalArgumentException("parts must be at least 1");
        }
        List<List<Residue>> out = new ArrayList<>();
        int size = residues.size();
        int start = 0;
        for (int i = 0; i < parts && start < size; i++) {
            int len = size / parts + (i < size % parts ? 1 : 0);
            out.add(List.copyOf(residues.subList(start, start + len)));
            start += len;
        }
        return out;
    }

}
