package org.ecmpipe.result;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.ecmpipe.ecm.Sigma;
import org.ecmpipe.tlevel.TLevelCache;

/**
 * The results-file format, both ways: one JSON object per composite, numbers as decimal strings (they exceed every
 * JSON number type), fields in a fixed order. Documented in the README.
 */
final class ResultJson {
    private final ObjectMapper mapper = new ObjectMapper();
    /** A file's lines mostly share their work, so its t-levels are computed once each. */
    private final TLevelCache tLevels = new TLevelCache();

    ObjectNode toJson(CompositeResult r) {
        ObjectNode o = mapper.createObjectNode();
        o.put("composite", r.composite().toString());
        if (r.input() != null) {
            o.put("input", r.input());
        }
        o.put("status", r.status().wire());
        if (r.reason() != null) {
            o.put("reason", r.reasonText());
            o.put("reason_code", r.reason().wire());
        }
        ArrayNode factors = o.putArray("factors");
        for (Factor f : r.factors()) {
            ObjectNode fo = factors.addObject();
            fo.put("factor", f.factor().toString());
            fo.put("prime", f.prime());
            fo.put("stage", f.stage());
            if (f.sigma() != null) {
                fo.put("sigma", f.sigma().toString());
            } else {
                fo.putNull("sigma");
            }
            if (f.exponent() > 1) {
                fo.put("exponent", f.exponent());
            }
        }
        o.put("cofactor", r.cofactor() == null ? null : r.cofactor().toString());
        o.put("cofactor_prime", r.cofactorPrime());
        o.put("b1", r.b1());
        o.put("b2", r.b2() == null ? null : r.b2().toString());
        if (r.b2Default()) {
            o.put("b2_default", true);
        }
        if (r.b2Min() != null) {
            o.put("b2_min", r.b2Min().toString());
        }
        if (r.param() == null) {
            o.putNull("param");
        } else {
            o.put("param", r.param());
        }
        o.put("curves", r.curves());
        o.put("stage2_curves", r.stage2Curves());
        o.put("stage1_seconds", seconds(r.stage1Seconds()));
        o.put("stage2_seconds", seconds(r.stage2Seconds()));
        if (r.tLevel() == null) {
            o.putNull("t_level");
        } else {
            o.put("t_level", BigDecimal.valueOf(r.tLevel()).setScale(3, RoundingMode.HALF_UP));
        }
        o.put("stage1_reused", r.stage1Reused());
        o.put("stage1_device", r.stage1Device());
        o.put("started_at", r.startedAt() == null ? null : r.startedAt().toString());
        o.put("finished_at", r.finishedAt() == null ? null : r.finishedAt().toString());
        o.put("ecm_version", r.ecmVersion());
        return o;
    }

    /** One line of JSON, no newline. */
    String toLine(CompositeResult r) {
        try {
            return mapper.writeValueAsString(toJson(r));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write result as JSON", e);
        }
    }

    /**
     * Reads one results-file line back.
     *
     * @throws IllegalArgumentException saying what is wrong with the line
     */
    CompositeResult fromLine(String line) {
        JsonNode o;
        try {
            o = mapper.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        if (o == null || !o.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        BigInteger composite = bigInteger(o, "composite", true);
        CompositeResult.Status status;
        try {
            status = CompositeResult.Status.ofWire(text(o, "status", true));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown status '" + o.path("status").asText() + "'");
        }
        List<Factor> factors = new ArrayList<>();
        for (JsonNode f : o.path("factors")) {
            String sigma = text(f, "sigma", false);
            factors.add(new Factor(bigInteger(f, "factor", true), f.path("prime").asBoolean(), f.path("stage").asInt(),
                    sigma == null ? null : Sigma.parse(sigma), f.path("exponent").asInt(1)));
        }
        ResultBuilder b = ResultBuilder.of(composite, Clock.systemUTC()).tLevels(tLevels)
                .factors(factors, bigInteger(o, "cofactor", false), o.path("cofactor_prime").asBoolean())
                .bounds(o.path("b1").asLong(), bigInteger(o, "b2", false))
                .b2Default(o.path("b2_default").asBoolean(false))
                .b2Min(bigInteger(o, "b2_min", false))
                .param(o.hasNonNull("param") ? o.get("param").asInt() : null)
                .stage1(o.path("curves").asInt(), o.path("stage1_seconds").asDouble(), o.path("stage1_reused").asBoolean(),
                        text(o, "stage1_device", false))
                .stage2(o.path("stage2_curves").asInt(), o.path("stage2_seconds").asDouble())
                .ecmVersion(text(o, "ecm_version", false))
                .input(text(o, "input", false))
                .startedAt(instant(o, "started_at"))
                .finishedAt(instant(o, "finished_at"));
        if (status == CompositeResult.Status.DONE) {
            return b.done();
        }
        Reason reason = reasonOf(o);
        String text = text(o, "reason", false);
        String detail = text != null && text.startsWith(reason.message() + ": ")
                ? text.substring(reason.message().length() + 2) : null;
        return b.build(status, reason, detail);
    }

    /** The typed reason; lines written before {@code reason_code} existed are mapped from their text. */
    private static Reason reasonOf(JsonNode o) {
        String code = text(o, "reason_code", false);
        if (code != null) {
            try {
                return Reason.ofWire(code);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown reason_code '" + code + "'");
            }
        }
        String text = o.path("reason").asText("");
        if (text.equals("prime")) {
            return Reason.PRIME;
        }
        if (text.startsWith("stage 1: ")) {
            return Reason.STAGE1_FAILED;
        }
        if (text.startsWith("stage 1 saved no residues")) {
            return Reason.STAGE1_NO_RESIDUES;
        }
        if (text.startsWith("cannot read residues")) {
            return Reason.RESIDUES_UNREADABLE;
        }
        return Reason.STAGE2_FAILED;
    }

    private static String text(JsonNode o, String field, boolean required) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new IllegalArgumentException("no '" + field + "'");
            }
            return null;
        }
        return v.asText();
    }

    private static BigInteger bigInteger(JsonNode o, String field, boolean required) {
        String t = text(o, field, required);
        if (t == null) {
            return null;
        }
        try {
            return new BigInteger(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + field + "' is not an integer: " + t);
        }
    }

    private static Instant instant(JsonNode o, String field) {
        String t = text(o, field, false);
        try {
            return t == null ? null : Instant.parse(t);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("'" + field + "' is not an ISO-8601 instant: " + t);
        }
    }

    private static BigDecimal seconds(double s) {
        return BigDecimal.valueOf(s).setScale(3, RoundingMode.HALF_UP);
    }
}
