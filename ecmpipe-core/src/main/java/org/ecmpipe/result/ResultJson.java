package org.ecmpipe.result;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The results-file format: one JSON object per composite, numbers as decimal strings (they exceed every JSON
 * number type), fields in a fixed order. Documented in the README.
 */
public final class ResultJson {
    private final ObjectMapper mapper = new ObjectMapper();

    public ObjectNode toJson(CompositeResult r) {
        ObjectNode o = mapper.createObjectNode();
        o.put("composite", r.composite().toString());
        o.put("status", r.status().wire());
        if (r.reason() != null) {
            o.put("reason", r.reason());
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
        if (r.param() == null) {
            o.putNull("param");
        } else {
            o.put("param", r.param());
        }
        o.put("curves", r.curves());
        o.put("stage2_curves", r.stage2Curves());
        o.put("stage1_seconds", seconds(r.stage1Seconds()));
        o.put("stage2_seconds", seconds(r.stage2Seconds()));
        o.put("stage1_reused", r.stage1Reused());
        o.put("started_at", r.startedAt() == null ? null : r.startedAt().toString());
        o.put("finished_at", r.finishedAt() == null ? null : r.finishedAt().toString());
        o.put("ecm_version", r.ecmVersion());
        return o;
    }

    /** One line of JSON, no newline. */
    public String toLine(CompositeResult r) {
        try {
            return mapper.writeValueAsString(toJson(r));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write result as JSON", e);
        }
    }

    private static BigDecimal seconds(double s) {
        return BigDecimal.valueOf(s).setScale(3, RoundingMode.HALF_UP);
    }
}
