package org.ecmpipe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Table-driven: every field of a submission gets every class of bad value (wrong type, missing, null, negative,
 * fraction, 1e400, 41+ digits, past the digit limit, NUL, lone surrogate, control characters, overlong text),
 * and the whole body gets every kind of malformation. Each must be a 4xx in the one error shape naming the field,
 * never a 500, and nothing may be stored.
 */
class BadInputTest extends OnEveryDatabase {
    private static final String BAD = "\"__BAD_VALUE__\"";
    private static final String MISSING = "<missing>";
    private static final String DIGITS_41 = "1" + "0".repeat(40);
    private static final String DIGITS_PAST_LIMIT = "1" + "0".repeat(ServerSettings.DEFAULT_MAX_DIGITS);
    private static final List<String> WRONG_TYPES = List.of("true", "[]", "{}", "{\"a\":1}");
    private static final List<String> BAD_STRINGS = List.of("12", "\"a\\u0000b\"", "\"\\ud800\"", "\"x\\udc00\"",
            "\"a\\nforged log line\"", "\"\\u001b[31m\"");
    private static final List<String> BAD_NUMBERS = List.of("-5", "1.5", "1e400", "-1e400", "\"12ab\"", "\"\"", "\" \"",
            "\"-7\"", "\"1e5\"", "\"a\\u0000\"", "\"\\ud800\"", "\"0x1F\"");

    /** field path -> bad values; each is answered with the status given (422 unless noted). */
    private static Map<String, Map<String, Integer>> table() {
        Map<String, Map<String, Integer>> t = new LinkedHashMap<>();
        t.put("composite", values(422, required(), WRONG_TYPES, BAD_NUMBERS, List.of("\"1\"", "0", "1")));
        t.get("composite").put("\"" + DIGITS_PAST_LIMIT + "\"", 413);
        t.get("composite").put(DIGITS_PAST_LIMIT, 413);
        t.put("client_id", values(422, required(), WRONG_TYPES, BAD_STRINGS, List.of("\"\"", "\"" + "x".repeat(257) + "\"")));
        t.put("method", values(422, required(), WRONG_TYPES, BAD_STRINGS, List.of("\"magic\"", "\"ECM\"", "\"\"")));
        t.put("program", values(422, required(), WRONG_TYPES, BAD_STRINGS, List.of("\"\"", "\"" + "p".repeat(65) + "\"")));
        t.put("program_version", values(422, List.of(), WRONG_TYPES, BAD_STRINGS, List.of("\"" + "v".repeat(65) + "\"")));
        t.put("project", values(422, List.of(), WRONG_TYPES, BAD_STRINGS, List.of("\"" + "p".repeat(257) + "\"")));
        t.put("submission_id", values(422, List.of(), WRONG_TYPES, BAD_STRINGS, List.of("\"" + "s".repeat(65) + "\"")));
        t.put("raw_output", values(422, List.of(), WRONG_TYPES, List.of("12", "\"a\\u0000b\"", "\"\\ud800\"", "\"\\u0007\""), List.of()));
        t.put("parameters", values(422, required(), List.of("[]", "\"x\"", "1", "true"), List.of(), List.of()));
        t.put("parameters.b1", values(422, required(), WRONG_TYPES, BAD_NUMBERS, List.of("0", "\"0\"", DIGITS_41, "\"" + DIGITS_41 + "\"")));
        t.put("parameters.b2", values(422, List.of(), WRONG_TYPES, BAD_NUMBERS, List.of(DIGITS_41, "\"" + DIGITS_41 + "\"")));
        t.put("parameters.curves", values(422, List.of(), WRONG_TYPES, BAD_NUMBERS,
                List.of("2147483648", "10000001", "99999999999999999999", "\"24\"")));
        t.put("parameters.parametrization", values(422, List.of(), WRONG_TYPES, BAD_NUMBERS, List.of("4", "-1", "\"3\"")));
        t.put("parameters.sigma", values(422, List.of(), WRONG_TYPES, List.of("\"abc\"", "\"4:12\"", "\"3:\"", "-1", "1.5",
                "\"" + "9".repeat(41) + "\"", "\"\\u0000\"", "\"\\ud800\"", "\"3:1\\n2\""), List.of()));
        t.put("results", values(422, required(), List.of("[]", "\"x\"", "1", "true"), List.of(), List.of()));
        t.put("results.curves_completed", values(422, required(), WRONG_TYPES, BAD_NUMBERS,
                List.of("2147483648", "10000001", "\"8\"")));
        t.put("results.execution_time", values(422, List.of(), WRONG_TYPES,
                List.of("\"1.5\"", "-1", "-0.5", "1e400", "-1e400", "1e10", "\"NaN\"", "\"\\u0000\""), List.of()));
        t.put("results.factor_found", values(422, List.of(), WRONG_TYPES, BAD_NUMBERS, List.of("7", "\"7\"")));
        t.get("results.factor_found").put("\"" + DIGITS_PAST_LIMIT + "\"", 413);
        t.put("results.factors_found", values(422, List.of(), List.of("\"7\"", "{}", "7", "true", "[1]", "[[]]", "[\"7\"]",
                "[" + String.join(",", java.util.Collections.nCopies(65, "{\"factor\":\"935351532923\"}")) + "]"), List.of(), List.of()));
        t.put("results.factors_found[0].factor", values(422, required(), WRONG_TYPES, BAD_NUMBERS, List.of("7", "\"7\"", "0")));
        t.get("results.factors_found[0].factor").put("\"" + DIGITS_PAST_LIMIT + "\"", 413);
        t.put("results.factors_found[0].sigma", values(422, List.of(), WRONG_TYPES,
                List.of("\"abc\"", "\"9:1\"", "-1", "\"\\u0000\"", "\"\\ud800\""), List.of()));
        return t;
    }

    private static List<String> required() {
        return List.of("null", MISSING);
    }

    @SafeVarargs
    private static Map<String, Integer> values(int status, List<String>... lists) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (List<String> l : lists) {
            l.forEach(v -> m.put(v, status));
        }
        return m;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void everyFieldGetsEveryClassOfBadValue(TestDatabases.Kind kind) throws Exception {
        s = new ServerHarness(kind, dir, ServerHarness.settings());
        List<String> wrong = new ArrayList<>();
        int cases = 0;
        for (var field : table().entrySet()) {
            for (var value : field.getValue().entrySet()) {
                cases++;
                String body = bodyWith(field.getKey(), value.getKey());
                HttpResponse<String> r = s.raw("POST", "/api/v1/submit_result", body, null);
                String why = check(r, value.getValue(), field.getKey());
                if (why != null) {
                    wrong.add(field.getKey() + " = " + abbreviate(value.getKey()) + ": " + why);
                }
            }
        }
        assertThat(wrong).as("of %d cases", cases).isEmpty();
        assertThat(cases).isGreaterThan(250);
        assertThat(s.json("/api/v1/composites").get("total").asInt()).as("nothing stored").isZero();
        // and the good body really is good: the failures above are the bad values, not the rest of the body
        assertThat(s.raw("POST", "/api/v1/submit_result", bodyWith("project", "\"fine\""), null).statusCode()).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void malformedBodiesAre400(TestDatabases.Kind kind) throws Exception {
        s = new ServerHarness(kind, dir, ServerHarness.settings());
        String good = bodyWith("project", "\"p\"");
        List<String> bodies = List.of("", "{not json", good + " {}", good + good, good + "garbage", "[]", "null", "\"text\"", "42",
                good.replace("\"method\":\"ecm\"", "\"method\":\"ecm\",\"method\":\"pm1\""),
                good.replace("\"execution_time\":1.5", "\"execution_time\":NaN"),
                good.replace("\"execution_time\":1.5", "\"execution_time\":Infinity"),
                "[".repeat(100) + "]".repeat(100), "{\"a\":" + "{\"a\":".repeat(50) + "1" + "}".repeat(51),
                good.substring(0, good.length() / 2));
        List<String> wrong = new ArrayList<>();
        for (String body : bodies) {
            String why = check(s.raw("POST", "/api/v1/submit_result", body, null), 400, null);
            if (why != null) {
                wrong.add(abbreviate(body) + ": " + why);
            }
        }
        byte[] invalidUtf8 = good.replace("\"p\"", "\"\u0001\"").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        invalidUtf8[invalidUtf8.length / 3] = (byte) 0xC3;
        invalidUtf8[invalidUtf8.length / 3 + 1] = (byte) 0x28;
        HttpResponse<String> r = s.http.send(HttpRequest.newBuilder(URI.create(s.base + "/api/v1/submit_result"))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofByteArray(invalidUtf8)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isBetween(400, 422);
        assertThat(wrong).isEmpty();
        assertThat(s.json("/api/v1/composites").get("total").asInt()).as("nothing stored").isZero();
    }

    /** Why the answer is not the expected error, or null. */
    private String check(HttpResponse<String> r, int status, String field) {
        if (r.statusCode() != status) {
            return "HTTP " + r.statusCode() + " (expected " + status + "): " + abbreviate(r.body());
        }
        try {
            JsonNode error = s.mapper.readTree(r.body());
            if (!error.path("detail").isTextual()) {
                return "no {\"detail\": ...}: " + abbreviate(r.body());
            }
            if (field != null && !error.path("field").asText().startsWith(field)) { // or an element of it
                return "names field " + error.path("field") + " (expected " + field + "): " + abbreviate(r.body());
            }
        } catch (Exception e) {
            return "not JSON: " + abbreviate(r.body());
        }
        return null;
    }

    /** A valid submission with {@code value} (a JSON literal, or {@link #MISSING}) at {@code path}. */
    private String bodyWith(String path, String value) throws Exception {
        ObjectNode body = s.submission("bad-input", List.of(ServerHarness.P.toString()));
        ((ObjectNode) body.get("results")).remove("factor_found");
        if (path.equals("results.factor_found")) {
            ((ObjectNode) body.get("results")).remove("factors_found");
        }
        String[] parts = path.replace("[0]", ".0").split("\\.");
        JsonNode parent = body;
        for (int i = 0; i < parts.length - 1; i++) {
            parent = parts[i].equals("0") ? parent.get(0) : parent.get(parts[i]);
        }
        String last = parts[parts.length - 1];
        if (parent instanceof ArrayNode) {
            throw new IllegalArgumentException(path);
        }
        if (value.equals(MISSING)) {
            ((ObjectNode) parent).remove(last);
            return s.mapper.writeValueAsString(body);
        }
        ((ObjectNode) parent).put(last, "__BAD_VALUE__");
        return s.mapper.writeValueAsString(body).replace(BAD, value);
    }

    private static String abbreviate(String text) {
        String t = text.replaceAll("\\p{Cntrl}", "?");
        return t.length() <= 120 ? t : t.substring(0, 120) + "... (" + t.length() + " chars)";
    }
}
