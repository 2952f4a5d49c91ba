package org.ecmpipe.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A validated {@code POST /api/v1/submit_result} body, in the ecm-wrapper coordination API's format (unknown
 * fields are ignored). Every factor has been checked to divide the composite.
 */
public record SubmitRequest(BigInteger composite, String project, String clientId, String method, String program,
                            String programVersion, BigInteger b1, BigInteger b2, Integer curves, Integer parametrization,
                            String sigma, int curvesCompleted, Double executionTime, List<SubmittedFactor> factors,
                            String rawOutput, String submissionId) {

    /** A factor with the curve that found it ({@code "3:12345"}, or null). */
    public record SubmittedFactor(BigInteger factor, String sigma) {
    }

    static final Set<String> METHODS = Set.of("ecm", "pm1", "pp1", "qs", "nfs");
    static final int MAX_NUMBER_DIGITS = 20000;
    static final int MAX_RAW_OUTPUT = 1_000_000;

    public SubmitRequest {
        factors = List.copyOf(factors);
    }

    /**
     * @throws ApiError 422 naming the first field at fault
     */
    public static SubmitRequest from(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiError.invalid(null, "the body must be a JSON object");
        }
        BigInteger composite = number(body, "composite", true);
        if (composite.compareTo(BigInteger.ONE) <= 0) {
            throw ApiError.invalid("composite", "must be greater than 1");
        }
        String method = text(body, "method", true, 16);
        if (!METHODS.contains(method)) {
            throw ApiError.invalid("method", "unknown method '" + method + "' (known: " + String.join(", ", METHODS.stream().sorted().toList()) + ")");
        }
        JsonNode parameters = object(body, "parameters");
        JsonNode results = object(body, "results");
        BigInteger b1 = number(parameters, "parameters.b1", true);
        if (b1.signum() <= 0) {
            throw ApiError.invalid("parameters.b1", "must be positive");
        }
        BigInteger b2 = number(parameters, "parameters.b2", false);
        Integer curves = integer(parameters, "parameters.curves", false, 0, Integer.MAX_VALUE);
        Integer param = integer(parameters, "parameters.parametrization", false, 0, 3);
        String sigma = sigma(parameters, "parameters.sigma");
        Integer completed = integer(results, "results.curves_completed", true, 0, Integer.MAX_VALUE);
        Double time = null;
        JsonNode t = results.get("execution_time");
        if (t != null && !t.isNull()) {
            if (!t.isNumber() || t.asDouble() < 0) {
                throw ApiError.invalid("results.execution_time", "must be a non-negative number of seconds");
            }
            time = t.asDouble();
        }
        List<SubmittedFactor> factors = new ArrayList<>();
        JsonNode list = results.get("factors_found");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw ApiError.invalid("results.factors_found", "must be a list of {factor, sigma}");
            }
            for (int i = 0; i < list.size(); i++) {
                String where = "results.factors_found[" + i + "]";
                JsonNode item = list.get(i);
                if (!item.isObject()) {
                    throw ApiError.invalid(where, "must be an object {factor, sigma}");
                }
                factors.add(new SubmittedFactor(factorOf(item, where + ".factor", composite), sigma(item, where + ".sigma")));
            }
        }
        JsonNode single = results.get("factor_found");
        if (single != null && !single.isNull() && factors.isEmpty()) {
            factors.add(new SubmittedFactor(factorOf(results, "results.factor_found", composite), sigma));
        }
        String raw = text(body, "raw_output", false, Integer.MAX_VALUE);
        if (raw != null && raw.length() > MAX_RAW_OUTPUT) {
            raw = raw.substring(0, MAX_RAW_OUTPUT) + "\n...[truncated by server]";
        }
        return new SubmitRequest(composite, text(body, "project", false, 256), text(body, "client_id", true, 256), method,
                text(body, "program", true, 64), text(body, "program_version", false, 64), b1, b2, curves, param, sigma,
                completed, time, factors, raw, text(body, "submission_id", false, 64));
    }

    private static BigInteger factorOf(JsonNode node, String path, BigInteger composite) {
        BigInteger f = number(node, path, true);
        if (f.compareTo(BigInteger.ONE) <= 0 || f.compareTo(composite) >= 0) {
            throw ApiError.invalid(path, "factor " + f + " is not a proper factor (1 < factor < composite)");
        }
        if (composite.mod(f).signum() != 0) {
            throw ApiError.invalid(path, "factor " + f + " does not divide the composite");
        }
        return f;
    }

    private static JsonNode object(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || !n.isObject()) {
            throw ApiError.invalid(field, n == null || n.isNull() ? "is required" : "must be an object");
        }
        return n;
    }

    private static String last(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }

    private static String text(JsonNode node, String field, boolean required, int maxLength) {
        JsonNode n = node.get(last(field));
        if (n == null || n.isNull()) {
            if (required) {
                throw ApiError.invalid(field, "is required");
            }
            return null;
        }
        if (!n.isTextual()) {
            throw ApiError.invalid(field, "must be a string");
        }
        String s = n.asText();
        if (required && s.isBlank()) {
            throw ApiError.invalid(field, "must not be empty");
        }
        if (s.length() > maxLength) {
            throw ApiError.invalid(field, "is longer than " + maxLength + " characters");
        }
        return s;
    }

    /** A non-negative integer given as a JSON integer or a decimal string. */
    private static BigInteger number(JsonNode node, String field, boolean required) {
        JsonNode n = node.get(last(field));
        if (n == null || n.isNull()) {
            if (required) {
                throw ApiError.invalid(field, "is required");
            }
            return null;
        }
        String s = n.isIntegralNumber() ? n.bigIntegerValue().toString() : n.isTextual() ? n.asText().strip() : null;
        if (s == null || s.isEmpty() || s.length() > MAX_NUMBER_DIGITS || !s.chars().allMatch(Character::isDigit)) {
            throw ApiError.invalid(field, "must be a non-negative integer written in decimal digits");
        }
        return new BigInteger(s);
    }

    private static Integer integer(JsonNode node, String field, boolean required, int min, int max) {
        JsonNode n = node.get(last(field));
        if (n == null || n.isNull()) {
            if (required) {
                throw ApiError.invalid(field, "is required");
            }
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < min || n.asInt() > max) {
            throw ApiError.invalid(field, "must be an integer from " + min + (max == Integer.MAX_VALUE ? " up" : " to " + max));
        }
        return n.asInt();
    }

    private static String sigma(JsonNode node, String field) {
        JsonNode n = node.get(last(field));
        if (n == null || n.isNull()) {
            return null;
        }
        String s = n.isIntegralNumber() ? n.asText() : n.isTextual() ? n.asText().strip() : null;
        if (s == null || !s.matches("(?:[0-3]:)?\\d{1,40}")) {
            throw ApiError.invalid(field, "must be a sigma such as \"3:12345\" or \"12345\"");
        }
        return s;
    }
}
