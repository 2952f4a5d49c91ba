package org.ecmpipe.composite;

import java.io.BufferedReader;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The numbers to factor: one number (or GMP-ECM expression) per line. Blank lines and lines starting with
 * {@code #} are skipped; {@code " #"} (a space, then {@code #}) starts a trailing comment, so write primorials
 * without a space ({@code 11#+1}). The whole file is checked before any work; every bad line is reported.
 */
public final class NumbersFile {

    /** A line repeating a number of an earlier line: it runs once. */
    public record Duplicate(int lineNumber, int firstLineNumber) {
    }

    public record Contents(List<Composite> numbers, List<InputProblem> problems, List<Duplicate> duplicates) {
        public Contents {
            numbers = List.copyOf(numbers);
            problems = List.copyOf(problems);
            duplicates = List.copyOf(duplicates);
        }
    }

    private NumbersFile() {
    }

    public static Contents read(Path path) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            return parse(reader.lines().toList());
        }
    }

    public static Contents parse(List<String> lines) {
        List<Composite> numbers = new ArrayList<>();
        List<InputProblem> problems = new ArrayList<>();
        List<Duplicate> duplicates = new ArrayList<>();
        Map<BigInteger, Integer> firstLine = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            int lineNumber = i + 1;
            String text = withoutComment(lines.get(i)).strip();
            if (text.isEmpty()) {
                continue;
            }
            BigInteger value;
            try {
                value = NumberExpression.evaluate(text);
            } catch (ExpressionException e) {
                problems.add(new InputProblem(lineNumber, text, "not a number: " + e.getMessage()));
                continue;
            }
            if (value.compareTo(BigInteger.ONE) <= 0) {
                problems.add(new InputProblem(lineNumber, text, "must be greater than 1"));
                continue;
            }
            Integer first = firstLine.putIfAbsent(value, lineNumber);
            if (first != null) {
                duplicates.add(new Duplicate(lineNumber, first));
                continue;
            }
            numbers.add(new Composite(lineNumber, text, value));
        }
        return new Contents(numbers, problems, duplicates);
    }

    private static String withoutComment(String line) {
        String s = line.strip();
        if (s.startsWith("#")) {
            return "";
        }
        int at = s.indexOf(" #");
        int tab = s.indexOf("\t#");
        if (tab >= 0 && (at < 0 || tab < at)) {
            at = tab;
        }
        return at >= 0 ? s.substring(0, at) : s;
    }
}
