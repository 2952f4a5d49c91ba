package org.ecmpipe.submit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.UUID;
import org.ecmpipe.result.CompositeResult;
import org.ecmpipe.result.Factor;

/**
 * The {@code POST /submit_result} body for one finished number, in the ecm-wrapper coordination API's format,
 * with a {@code submission_id} so that a resend is recognised as the same result.
 */
public final class SubmissionBody {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SubmissionBody() {
    }

    /** Whether a result reports ECM work worth sending (done, with curves run). */
    public static boolean submittable(CompositeResult r) {
        return r.status() == CompositeResult.Status.DONE && r.curves() > 0;
    }

    public static ObjectNode of(CompositeResult r, String project, String clientId) {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("submission_id", UUID.randomUUID().toString());
        body.put("composite", r.composite().toString());
        if (project != null) {
            body.put("project", project);
        }
        body.put("client_id", clientId);
        body.put("method", "ecm");
        body.put("program", "gmp-ecm");
        body.put("program_version", r.ecmVersion());
        Factor first = r.factors().stream().filter(f -> f.stage() > 0).findFirst().orElse(null);
        ObjectNode parameters = body.putObject("parameters");
        parameters.put("b1", r.b1());
        if (r.b2() != null) {
            parameters.put("b2", new java.math.BigDecimal(r.b2()));
        }
        parameters.put("curves", r.curves());
        if (r.param() != null) {
            parameters.put("parametrization", r.param());
        }
        parameters.put("sigma", first == null || first.sigma() == null ? null : first.sigma().toString());
        ObjectNode results = body.putObject("results");
        results.put("factor_found", first == null ? null : first.factor().toString());
        ArrayNode found = results.putArray("factors_found");
        for (Factor f : r.factors()) {
            if (f.stage() > 0) {
                found.addObject().put("factor", f.factor().toString()).put("sigma", f.sigma() == null ? null : f.sigma().toString());
            }
        }
        boolean stage2Ran = r.b2() != null && r.b2().signum() > 0;
        results.put("curves_completed", stage2Ran ? r.stage2Curves() : r.curves());
        results.put("execution_time", Math.round((r.stage1Seconds() + r.stage2Seconds()) * 1000) / 1000.0);
        return body;
    }

}
