package org.ecmpipe.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.ecmpipe.composite.ExpressionException;
import org.ecmpipe.composite.NumberExpression;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ecmpipe server}: the results server. Speaks the ecm-wrapper coordination API
 * ({@code POST /api/v1/submit_result}) and adds composite queries, an admin upload and an HTML dashboard.
 * Bad input gets a JSON error (400 malformed JSON, 413 body over 1 MB, 422 invalid fields), never a 500 and
 * never a partial write.
 */
public final class ResultsServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ResultsServer.class);
    /** Bodies larger than this are refused with 413. */
    public static final int MAX_BODY_BYTES = 1_000_000;
    private static final Set<String> STATUSES = Set.of("composite", "fully_factored");

    private final ResultStore store;
    private final Database database;
    private final String adminKey;
    private final ObjectMapper mapper = new ObjectMapper().findAndRegisterModules();
    private final Javalin app;

    /** @param adminKey the key admin requests must carry in {@code X-Admin-Key}; null disables admin requests */
    public ResultsServer(Database database, String adminKey) {
        this.database = database;
        this.store = new ResultStore(database.jdbi());
        this.adminKey = adminKey;
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.http.maxRequestSize = 2L * MAX_BODY_BYTES; // our own limit below answers first, in JSON
            config.jsonMapper(new JavalinJackson(mapper, false));
        });
        app.get("/health", this::health);
        app.post("/api/v1/submit_result", this::submit);
        app.get("/api/v1/composites", this::list);
        app.get("/api/v1/composites/{number}", this::find);
        app.post("/api/v1/admin/composites", this::upload);
        app.get("/", ctx -> ctx.html(Dashboard.render(store.list(null, null))));
        app.exception(ApiError.class, (e, ctx) -> error(ctx, e.status(), e.type(), e.field(), e.getMessage()));
        app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), "http_error", null, e.getMessage()));
        app.exception(Exception.class, (e, ctx) -> {
            log.error("{} {} failed", ctx.method(), ctx.path(), e);
            error(ctx, 500, "internal_error", null, "internal server error: nothing was stored");
        });
        app.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                error(ctx, 404, "not_found", null, "no such resource: " + ctx.path());
            }
        });
    }

    public ResultsServer start(String host, int port) {
        app.start(host, port);
        log.info("ecmpipe server listening on http://{}:{}/ (database {})", host, app.port(), database.url());
        return this;
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }

    private void health(Context ctx) {
        boolean db = database.healthy();
        ctx.status(db ? 200 : 503).json(mapper.createObjectNode().put("status", db ? "ok" : "degraded")
                .put("database", db ? "ok" : "unreachable"));
    }

    private void submit(Context ctx) {
        SubmitRequest request = SubmitRequest.from(body(ctx));
        ResultStore.SubmitOutcome outcome = store.submit(request);
        if (!"duplicate".equals(outcome.factorStatus())) {
            log.info("attempt {} for composite {} from {}: {} curves at B1={}, {}", outcome.attemptId(), outcome.compositeId(),
                    request.clientId(), request.curvesCompleted(), request.b1(), outcome.factorStatus());
        }
        ctx.json(mapper.createObjectNode().put("status", "success").put("attempt_id", outcome.attemptId())
                .put("composite_id", outcome.compositeId()).put("message", outcome.message())
                .put("factor_status", outcome.factorStatus()));
    }

    private void list(Context ctx) {
        String status = ctx.queryParam("status");
        if (status != null && !STATUSES.contains(status)) {
            throw ApiError.invalid("status", "must be composite or fully_factored");
        }
        ArrayNode out = mapper.createArrayNode();
        store.list(ctx.queryParam("project"), status).forEach(v -> out.add(json(v)));
        ctx.json(out);
    }

    private void find(Context ctx) {
        String text = ctx.pathParam("number");
        if (text.isEmpty() || text.length() > SubmitRequest.MAX_NUMBER_DIGITS || !text.chars().allMatch(Character::isDigit)) {
            throw ApiError.invalid("number", "must be a decimal integer");
        }
        ResultStore.CompositeView view = store.find(new BigInteger(text))
                .orElseThrow(() -> new ApiError(404, "not_found", "number", "composite " + text + " is not known here"));
        ctx.json(json(view));
    }

    private void upload(Context ctx) {
        String given = ctx.header("X-Admin-Key");
        if (adminKey == null || given == null
                || !MessageDigest.isEqual(adminKey.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8))) {
            throw new ApiError(401, "unauthorized", "X-Admin-Key",
                    adminKey == null ? "admin requests are disabled (start the server with --admin-key)" : "a valid X-Admin-Key header is required");
        }
        JsonNode body = body(ctx);
        JsonNode project = body.get("project");
        if (project != null && !project.isNull() && (!project.isTextual() || project.asText().length() > 256)) {
            throw ApiError.invalid("project", "must be a string of at most 256 characters");
        }
        JsonNode list = body.get("composites");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw ApiError.invalid("composites", "must be a non-empty list of numbers or expressions");
        }
        List<BigInteger> numbers = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String field = "composites[" + i + "]";
            JsonNode item = list.get(i);
            if (!item.isTextual() && !item.isIntegralNumber()) {
                throw ApiError.invalid(field, "must be a number or an expression such as (10^71-1)/9");
            }
            try {
                BigInteger n = NumberExpression.evaluate(item.asText());
                if (n.compareTo(BigInteger.ONE) <= 0) {
                    throw ApiError.invalid(field, "must be greater than 1");
                }
                numbers.add(n);
            } catch (ExpressionException e) {
                throw ApiError.invalid(field, "not a number: " + e.getMessage());
            }
        }
        ResultStore.UploadOutcome outcome = store.upload(project == null || project.isNull() ? null : project.asText(), numbers);
        ctx.json(mapper.createObjectNode().put("status", "success").put("added", outcome.added()).put("existing", outcome.existing()));
    }

    /** The request body as JSON: 413 past {@link #MAX_BODY_BYTES}, 400 when it is not JSON. */
    private JsonNode body(Context ctx) {
        if (ctx.contentLength() > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        byte[] bytes;
        try (InputStream in = ctx.bodyInputStream()) {
            bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        } catch (IOException e) {
            throw new ApiError(400, "bad_request", null, "cannot read the request body: " + e.getMessage());
        }
        if (bytes.length > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        try {
            JsonNode node = mapper.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new ApiError(400, "malformed_json", null, "the body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new ApiError(400, "malformed_json", null, "malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ApiError(400, "malformed_json", null, "malformed JSON: " + e.getMessage());
        }
    }

    private static ApiError tooLarge() {
        return new ApiError(413, "payload_too_large", null, "the body is larger than " + MAX_BODY_BYTES + " bytes");
    }

    private void error(Context ctx, int status, String type, String field, String message) {
        ObjectNode body = mapper.createObjectNode().put("status", "error").put("message", message);
        ObjectNode detail = body.putArray("errors").addObject().put("type", type).put("message", message);
        if (field != null) {
            detail.put("field", field);
        }
        ctx.status(status).json(body);
    }

    private ObjectNode json(ResultStore.CompositeView v) {
        ObjectNode o = mapper.createObjectNode();
        o.put("composite", v.composite()).put("digits", v.digits()).put("project", v.project()).put("status", v.status());
        ArrayNode factors = o.putArray("factors");
        for (ResultStore.FactorView f : v.factors()) {
            factors.addObject().put("factor", f.factor()).put("prime", f.prime()).put("sigma", f.sigma())
                    .put("client_id", f.clientId()).put("found_at", f.foundAt() == null ? null : f.foundAt().toInstant().toString());
        }
        o.put("attempt_count", v.attemptCount());
        ArrayNode effort = o.putArray("curves_by_b1");
        for (ResultStore.EffortView e : v.curvesByB1()) {
            effort.addObject().put("b1", e.b1().toString()).put("b2", e.b2() == null ? null : e.b2().toString())
                    .put("curves", e.curves());
        }
        o.put("cofactor", v.cofactor()).put("cofactor_digits", v.cofactor().length());
        return o;
    }
}
