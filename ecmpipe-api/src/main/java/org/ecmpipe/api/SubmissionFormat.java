package org.ecmpipe.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes and strictly reads {@link Submission} bodies. Reading refuses, naming the field: anything that is not
 * exactly one JSON object (trailing data, a second object, duplicate keys), wrong types, missing required fields,
 * negative or non-integer numbers, numbers past the limits below, strings with control characters or unpaired
 * UTF-16 surrogates, and non-finite or absurd execution times. Unknown fields are ignored (newer clients).
 */
public final class SubmissionFormat {

    /** Methods the ecm-wrapper API knows. */
    public static final Set<String> METHODS = Set.of("ecm", "pm1", "pp1", "qs", "nfs");
    /** B1 and B2 are stored as NUMERIC(40,0). */
    public static final int MAX_BOUND_DIGITS = 40;
    /** More curves than any real submission reports: past this a count is curve-credit abuse. */
    public static final int MAX_CURVES = 10_000_000;
    /** At most this many factors in one submission. */
    public static final int MAX_FACTORS = 64;
    /** A year, in seconds. */
    public static final double MAX_EXECUTION_SECONDS = 366 * 86400.0;
    private static final Pattern SIGMA = Pattern.compile("(?:[0-3]:)?[0-9]{1,40}");
    private static final int MAX_DEPTH = 16;

    private final ObjectMapper reader;
    private final ObjectMapper writer = new ObjectMapper();
    private final int maxDigits;

    /** @param maxDigits the most decimal digits a composite or factor may have (past it: {@link WireException.Kind#TOO_LARGE}) */
    public SubmissionFormat(int maxDigits) {
        if (maxDigits < 2) {
            throw new IllegalArgumentException("maxDigits must be at least 2");
        }
        this.maxDigits = maxDigits;
        JsonMapper mapper = JsonMapper.builder()
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
                .build();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNumberLength(Math.max(1000, maxDigits + 10)).maxNestingDepth(MAX_DEPTH).build());
        this.reader = mapper;
    }

    public int maxDigits() {
        return maxDigits;
    }

    /** The body as the client sends it. */
    public ObjectNode toJson(Submission s) {
        return writer.valueToTree(s);
    }

    /**
     * @throws WireException naming the first field at fault
     */
    public Submission read(byte[] body) {
        JsonNode root;
        try {
            root = reader.readTree(body);
        } catch (JsonProcessingException e) {
            throw new WireException(WireException.Kind.MALFORMED, null, "malformed JSON: " + clean(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new WireException(WireException.Kind.MALFORMED, null, "unreadable body: " + clean(e.getMessage()));
        }
        if (root == null || root.isMissingNode()) {
            throw new WireException(WireException.Kind.MALFORMED, null, "the body is empty; a JSON object is required");
        }
        return read(root);
    }

    /** Validates an already parsed body. */
    public Submission read(JsonNode root) {
        if (!root.isObject()) {
            throw new WireException(WireException.Kind.MALFORMED, null, "the body must be a JSON object");
        }
        BigInteger composite = number(root, "composite", "composite", true, maxDigits, true);
        if (composite.compareTo(BigInteger.ONE) <= 0) {
            throw invalid("composite", "must be greater than 1");
        }
        String method = text(root, "method", "method", true, 16);
        if (!METHODS.contains(method)) {
            throw invalid("method", "unknown method '" + method + "' (known: " + String.join(", ", METHODS.stream().sorted().toList()) + ")");
        }
        JsonNode params = object(root, "parameters");
        JsonNode results = object(root, "results");
        BigInteger b1 = number(params, "b1", "parameters.b1", true, MAX_BOUND_DIGITS, false);
        if (b1.signum() <= 0) {
            throw invalid("parameters.b1", "must be positive");
        }
        BigInteger b2 = number(params, "b2", "parameters.b2", false, MAX_BOUND_DIGITS, false);
        Integer curves = integer(params, "curves", "parameters.curves", false, 0, MAX_CURVES);
        Integer param = integer(params, "parametrization", "parameters.parametrization", false, 0, 3);
        String sigma = sigma(params, "sigma", "parameters.sigma");
        int completed = integer(results, "curves_completed", "results.curves_completed", true, 0, MAX_CURVES);
        Double time = seconds(results, "execution_time", "results.execution_time");
        List<Submission.FoundFactor> factors = new ArrayList<>();
        JsonNode list = results.get("factors_found");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw invalid("results.factors_found", "must be a list of {factor, sigma}");
            }
            if (list.size() > MAX_FACTORS) {
                throw invalid("results.factors_found", "has more than " + MAX_FACTORS + " factors");
            }
            for (int i = 0; i < list.size(); i++) {
                String where = "results.factors_found[" + i + "]";
                JsonNode item = list.get(i);
                if (!item.isObject()) {
                    throw invalid(where, "must be an object {factor, sigma}");
                }
                factors.add(new Submission.FoundFactor(number(item, "factor", where + ".factor", true, maxDigits, true),
                        sigma(item, "sigma", where + ".sigma")));
            }
        }
        BigInteger single = number(results, "factor_found", "results.factor_found", false, maxDigits, true);
        return new Submission(text(root, "submission_id", "submission_id", false, 64), composite,
                text(root, "project", "project", false, 256), text(root, "client_id", "client_id", true, 256), method,
                text(root, "program", "program", true, 64), text(root, "program_version", "program_version", false, 64),
                new Submission.Parameters(b1, b2, curves, param, sigma),
                new Submission.Results(completed, time, single, factors),
                rawOutput(root.get("raw_output")));
    }

    private static WireException invalid(String field, String message) {
        return new WireException(WireException.Kind.INVALID, field, message);
    }

    private static JsonNode object(JsonNode node, String field) {
        JsonNode n = node.get(field);
        if (n == null || !n.isObject()) {
            throw invalid(field, n == null || n.isNull() ? "is required" : "must be an object");
        }
        return n;
    }

    private static String text(JsonNode node, String name, String path, boolean required, int maxLength) {
        JsonNode n = node.get(name);
        if (n == null || n.isNull()) {
            if (required) {
                throw invalid(path, "is required");
            }
            return null;
        }
        if (!n.isTextual()) {
            throw invalid(path, "must be a string");
        }
        String s = n.textValue();
        if (required && s.isBlank()) {
            throw invalid(path, "must not be empty");
        }
        if (s.length() > maxLength) {
            throw invalid(path, "is longer than " + maxLength + " characters");
        }
        String bad = badCharacter(s, false);
        if (bad != null) {
            throw invalid(path, bad);
        }
        return s;
    }

    private static String rawOutput(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw invalid("raw_output", "must be a string");
        }
        String bad = badCharacter(n.textValue(), true);
        if (bad != null) {
            throw invalid("raw_output", bad);
        }
        return n.textValue();
    }

    /**
     * Why a client's string cannot be stored or logged as text (a control character, or an unpaired UTF-16
     * surrogate), or null when it can. {@code multiLine} allows newlines and tabs.
     */
    public static String badCharacter(String s, boolean multiLine) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
                continue;
            }
            if (Character.isSurrogate(c)) {
                return "contains an unpaired UTF-16 surrogate at character " + i;
            }
            boolean allowedSpace = multiLine && (c == '\n' || c == '\r' || c == '\t');
            if (Character.isISOControl(c) && !allowedSpace) {
                return String.format("contains the control character U+%04X at character %d", (int) c, i);
            }
        }
        return null;
    }

    /**
     * A non-negative integer given as a JSON integer or a string of decimal digits, at most {@code limit} digits long
     * (past it: 413 when {@code sizeLimit}, else 422).
     */
    private static BigInteger number(JsonNode node, String name, String path, boolean required, int limit, boolean sizeLimit) {
        JsonNode n = node.get(name);
        if (n == null || n.isNull()) {
            if (required) {
                throw invalid(path, "is required");
            }
            return null;
        }
        String s;
        if (n.isIntegralNumber()) {
            s = n.bigIntegerValue().toString();
        } else if (n.isTextual()) {
            s = n.textValue().strip();
        } else {
            throw invalid(path, "must be a non-negative integer (a JSON integer or a string of decimal digits)");
        }
        if (s.isEmpty() || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw invalid(path, "must be a non-negative integer written in decimal digits");
        }
        String digits = s.replaceFirst("^0+(?=.)", "");
        if (digits.length() > limit) {
            if (sizeLimit) {
                throw new WireException(WireException.Kind.TOO_LARGE, path,
                        "has " + digits.length() + " digits; this server takes numbers of at most " + limit + " digits");
            }
            throw invalid(path, "has " + digits.length() + " digits; at most " + limit + " are allowed");
        }
        return new BigInteger(digits);
    }

    private static Integer integer(JsonNode node, String name, String path, boolean required, int min, int max) {
        JsonNode n = node.get(name);
        if (n == null || n.isNull()) {
            if (required) {
                throw invalid(path, "is required");
            }
            return null;
        }
        if (!n.isIntegralNumber() || n.bigIntegerValue().compareTo(BigInteger.valueOf(min)) < 0
                || n.bigIntegerValue().compareTo(BigInteger.valueOf(max)) > 0) {
            throw invalid(path, "must be an integer from " + min + " to " + max);
        }
        return n.intValue();
    }

    private static Double seconds(JsonNode node, String name, String path) {
        JsonNode n = node.get(name);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isNumber()) {
            throw invalid(path, "must be a number of seconds");
        }
        BigDecimal v = n.decimalValue();
        if (v.signum() < 0 || v.compareTo(BigDecimal.valueOf(MAX_EXECUTION_SECONDS)) > 0) {
            throw invalid(path, "must be from 0 to " + (long) MAX_EXECUTION_SECONDS + " seconds");
        }
        return v.doubleValue();
    }

    private static String sigma(JsonNode node, String name, String path) {
        JsonNode n = node.get(name);
        if (n == null || n.isNull()) {
            return null;
        }
        String s = n.isIntegralNumber() ? n.bigIntegerValue().toString() : n.isTextual() ? n.textValue().strip() : null;
        if (s == null || !SIGMA.matcher(s).matches()) {
            throw invalid(path, "must be a sigma such as \"3:12345\" or \"12345\" (at most 40 digits)");
        }
        return s;
    }

    /** A parser message without control characters, short enough for an error body. */
    private static String clean(String message) {
        if (message == null) {
            return "";
        }
        String s = message.replaceAll("\\p{Cntrl}", " ");
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
