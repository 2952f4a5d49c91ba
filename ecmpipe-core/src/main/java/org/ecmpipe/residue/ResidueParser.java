package org.ecmpipe.residue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ecmpipe.composite.ExpressionException;
import org.ecmpipe.composite.NumberExpression;

/**
 * Reads and checks one GMP-ECM save-file line ({@code TAG=value; TAG=value; ...}). GMP-ECM has only this
 * one-line layout; it skips a bad line with a terse message on stderr, so we check every line first and say
 * exactly what is wrong with it.
 *
 * <p>One repair is made: GMP-ECM 7.0.5 and later omit {@code PARAM=} when the user gave no {@code -param},
 * although the curve was param 1 (for N up to ~385 digits), and then read the line back as param 0: stage 2
 * runs on the wrong curve and finds nothing. A line with no PARAM, written by GMP-ECM 7.0.5 or later, with
 * a 32-bit SIGMA (random param-0 sigmas are 64-bit) gets {@code PARAM=1} and a recomputed checksum, and a
 * warning says so.
 */
public final class ResidueParser {

    private static final Set<String> KNOWN_TAGS = Set.of("METHOD", "PARAM", "ETYPE", "SIGMA", "A", "B1", "N", "X",
            "Y", "Z", "X0", "Y0", "CHECKSUM", "PROGRAM", "WHO", "COMMENT", "TIME");
    private static final Pattern GMP_ECM_VERSION = Pattern.compile("GMP-ECM (\\d+)\\.(\\d+)(?:\\.(\\d+))?");
    private static final BigInteger TWO_POW_32 = BigInteger.ONE.shiftLeft(32);

    /** The result of reading one line. */
    public sealed interface Parsed permits Blank, Good, Bad {
    }

    /** A blank or {@code #} comment line, which GMP-ECM skips too. */
    public record Blank() implements Parsed {
    }

    public record Good(Residue residue, List<String> warnings) implements Parsed {
    }

    public record Bad(ResidueProblem problem) implements Parsed {
    }

    private ResidueParser() {
    }

    public static Parsed parse(int lineNumber, String text) {
        String line = text.strip();
        if (line.isEmpty() || line.startsWith("#")) {
            return new Blank();
        }
        try {
            return parseFields(lineNumber, line);
        } catch (InvalidLine e) {
            return new Bad(new ResidueProblem(lineNumber, e.getMessage()));
        }
    }

    private static Good parseFields(int lineNumber, String line) {
        Map<String, String> fields = splitFields(line);
        List<String> missing = new ArrayList<>();
        for (String required : List.of("METHOD", "N", "X", "B1")) {
            if (!fields.containsKey(required)) {
                missing.add(required);
            }
        }
        if (!fields.containsKey("SIGMA") && !fields.containsKey("A")) {
            missing.add("SIGMA (or A)");
        }
        if (!missing.isEmpty()) {
            throw new InvalidLine("missing " + String.join(", ", missing)
                    + (fields.size() <= 2 ? " (a save line holds all fields on one line; is this a multi-line layout?)" : ""));
        }
        String method = fields.get("METHOD");
        if (!method.equals("ECM")) {
            throw new InvalidLine("METHOD=" + method + " is not ECM (only ECM residues are run)");
        }
        Integer param = fields.containsKey("PARAM") ? parseParam(fields.get("PARAM")) : null;
        BigInteger sigma = fields.containsKey("SIGMA") ? parseNonNegative("SIGMA", fields.get("SIGMA")) : null;
        BigInteger a = fields.containsKey("A") ? parseInteger("A", fields.get("A")) : null;
        long b1 = parseB1(fields.get("B1"));
        BigInteger n = parseN(fields.get("N"));
        BigInteger x = parseNonNegative("X", fields.get("X"));
        BigInteger z = fields.containsKey("Z") ? parseNonNegative("Z", fields.get("Z")) : null;
        if (x.compareTo(n) >= 0) {
            throw new InvalidLine("X is not reduced modulo N (X >= N): N or X does not belong to this residue");
        }
        BigInteger sigmaOrA = sigma != null ? sigma : a;
        if (fields.containsKey("CHECKSUM")) {
            long written = parseNonNegative("CHECKSUM", fields.get("CHECKSUM")).longValue();
            long expected = ResidueChecksum.compute(b1, sigmaOrA, param, n, x, z);
            if (written != expected) {
                throw new InvalidLine("bad checksum " + written + ", expected " + expected
                        + " (the line was altered or cut short)");
            }
        }
        List<String> warnings = new ArrayList<>();
        String out = line;
        if (param == null && sigma != null && sigma.compareTo(TWO_POW_32) < 0 && writtenBySaveBugVersion(fields.get("PROGRAM"))) {
            param = 1;
            fields = withParam(fields, 1, ResidueChecksum.compute(b1, sigma, 1, n, x, z));
            out = ResidueFormat.format(fields);
            warnings.add("line " + lineNumber + ": no PARAM field; " + fields.get("PROGRAM")
                    + " leaves it out for its default param 1 and would resume it as param 0, so PARAM=1 was added");
        }
        return new Good(new Residue(lineNumber, out, fields, param, sigma, b1, n, x), warnings);
    }

    private static Map<String, String> splitFields(String line) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String part : line.split(";")) {
            String pair = part.strip();
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new InvalidLine("no 'TAG=value' in '" + abbreviate(pair) + "'");
            }
            String tag = pair.substring(0, eq).strip();
            String value = pair.substring(eq + 1).strip();
            if (!KNOWN_TAGS.contains(tag)) {
                throw new InvalidLine("unknown field " + abbreviate(tag));
            }
            if (fields.putIfAbsent(tag, value) != null) {
                throw new InvalidLine("field " + tag + " appears twice");
            }
            if (value.isEmpty()) {
                throw new InvalidLine("field " + tag + " is empty");
            }
        }
        return fields;
    }

    private static Map<String, String> withParam(Map<String, String> fields, int param, long checksum) {
        Map<String, String> repaired = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : fields.entrySet()) {
            repaired.put(e.getKey(), e.getKey().equals("CHECKSUM") ? Long.toString(checksum) : e.getValue());
            if (e.getKey().equals("METHOD")) {
                repaired.put("PARAM", Integer.toString(param));
            }
        }
        return repaired;
    }

    static boolean writtenBySaveBugVersion(String program) {
        if (program == null) {
            return false;
        }
        Matcher m = GMP_ECM_VERSION.matcher(program);
        if (!m.find()) {
            return false;
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        int patch = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
        return major > 7 || (major == 7 && (minor > 0 || patch >= 5));
    }

    private static Integer parseParam(String value) {
        try {
            int p = Integer.parseInt(value);
            if (p >= 0 && p <= 3) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidLine("PARAM=" + abbreviate(value) + " is not a parametrization (0 to 3)");
    }

    private static long parseB1(String value) {
        try {
            long b1 = Long.parseLong(value);
            if (b1 > 0) {
                return b1;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidLine("B1=" + abbreviate(value) + " is not a positive integer");
    }

    private static BigInteger parseN(String value) {
        BigInteger n;
        try {
            n = value.startsWith("0x") ? new BigInteger(value.substring(2), 16) : NumberExpression.evaluate(value);
        } catch (ExpressionException | NumberFormatException e) {
            throw new InvalidLine("N=" + abbreviate(value) + " is not a number: " + e.getMessage());
        }
        if (n.compareTo(BigInteger.ONE) <= 0) {
            throw new InvalidLine("N must be greater than 1");
        }
        return n;
    }

    private static BigInteger parseNonNegative(String tag, String value) {
        BigInteger v = parseInteger(tag, value);
        if (v.signum() < 0) {
            throw new InvalidLine(tag + " is negative");
        }
        return v;
    }

    private static BigInteger parseInteger(String tag, String value) {
        try {
            if (value.startsWith("0x") || value.startsWith("0X")) {
                return new BigInteger(value.substring(2), 16);
            }
            if (value.startsWith("-0x")) {
                return new BigInteger(value.substring(3), 16).negate();
            }
            return new BigInteger(value);
        } catch (NumberFormatException e) {
            throw new InvalidLine(tag + "=" + abbreviate(value) + " is not an integer");
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    private static final class InvalidLine extends RuntimeException {
        InvalidLine(String reason) {
            super(reason, null, false, false);
        }
    }
}
