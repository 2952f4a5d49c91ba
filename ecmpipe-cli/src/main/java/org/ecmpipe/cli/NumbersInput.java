package org.ecmpipe.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ecmpipe.composite.Composite;
import org.ecmpipe.composite.InputProblem;
import org.ecmpipe.composite.NumbersFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The numbers file of {@code ecmpipe run}, read and checked before any work: every bad line is reported with its
 * number and reason (once); the run stops unless {@code --skip-invalid}. {@code -} reads standard input.
 *
 * @param exitCode the code to exit with before any work, or null to go on
 */
record NumbersInput(List<Composite> numbers, int skippedLines, Integer exitCode) {
    private static final Logger log = LoggerFactory.getLogger(NumbersInput.class);

    /**
     * @param maxDigits numbers with more digits are bad lines: ECM on them would not finish in useful time, and even
     *     the primality test before it takes minutes
     */
    static NumbersInput read(Path file, boolean skipInvalid, int maxDigits, PrintWriter err) throws IOException {
        NumbersFile.Contents contents;
        if (file.toString().equals("-")) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            contents = NumbersFile.parse(in.lines().toList());
        } else if (!Files.exists(file)) {
            err.println("ecmpipe run: numbers file " + file + " does not exist (give one with --numbers-file, or - for"
                    + " standard input)");
            return new NumbersInput(List.of(), 0, ExitCodes.USAGE);
        } else if (Files.isDirectory(file)) {
            err.println("ecmpipe run: numbers file " + file + " is a directory");
            return new NumbersInput(List.of(), 0, ExitCodes.USAGE);
        } else {
            contents = NumbersFile.read(file);
        }
        contents = withinLimit(contents, maxDigits);
        for (InputProblem p : contents.problems()) {
            if (skipInvalid) {
                log.warn("{}: skipping {}", file, p); // once, on the console and in ecmpipe.log
            } else {
                err.println("ecmpipe run: " + file + " " + p);
            }
        }
        for (NumbersFile.Duplicate d : contents.duplicates()) {
            log.warn("{}: line {} repeats the number of line {}: it runs once", file, d.lineNumber(), d.firstLineNumber());
        }
        if (!contents.problems().isEmpty() && !skipInvalid) {
            err.println("ecmpipe run: " + contents.problems().size() + " bad line(s) in " + file
                    + "; nothing was started (fix them, or use --skip-invalid to run the rest)");
            return new NumbersInput(List.of(), contents.problems().size(), ExitCodes.USAGE);
        }
        if (contents.numbers().isEmpty()) {
            err.println("ecmpipe run: " + file + " holds no number to run");
            return new NumbersInput(List.of(), contents.problems().size(), ExitCodes.USAGE);
        }
        return new NumbersInput(contents.numbers(), contents.problems().size(), null);
    }

    private static NumbersFile.Contents withinLimit(NumbersFile.Contents contents, int maxDigits) {
        List<Composite> kept = new java.util.ArrayList<>();
        List<InputProblem> problems = new java.util.ArrayList<>(contents.problems());
        for (Composite c : contents.numbers()) {
            if (c.digits() > maxDigits) {
                problems.add(new InputProblem(c.lineNumber(), c.expression(), c.digits() + " digits, more than the limit of " + maxDigits
                        + " (--max-digits): ECM would not finish on it in useful time"));
            } else {
                kept.add(c);
            }
        }
        problems.sort(java.util.Comparator.comparingInt(InputProblem::lineNumber));
        return new NumbersFile.Contents(kept, problems, contents.duplicates());
    }
}
