package org.ecmpipe.server;

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
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.ecmpipe.api.Submission;
import org.ecmpipe.api.SubmissionFormat;
import org.ecmpipe.api.WireException;
import org.ecmpipe.composite.ExpressionException;
import org.ecmpipe.composite.NumberExpression;
import org.ecmpipe.server.BoundedPrimality.Verdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ecmpipe server}: the results server. Speaks the ecm-wrapper coordination API
 * ({@code POST /api/v1/submit_result}) and adds paginated composite queries, an admin upload and an HTML
 * dashboard. Stateless: any number of these processes may share one PostgreSQL database.
 *
 * <p>Every refusal is JSON {@code {"detail": ...}}: 400 malformed JSON, 401 admin key, 404, 405 wrong method,
 * 409 reused submission_id, 413 body or number too large, 422 invalid field, 429 rate limit (with Retry-After),
 * 503 database unavailable (with Retry-After). A 2xx is sent only after the transaction has committed.
 */
public final class ResultsServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ResultsServer.class);
    private static final Set<String> STATUSES = Set.of("composite", "fully_factored");
    static final int DEFAULT_PAGE = 50;
    static final int MAX_PAGE = 500;
    private static final int MAX_EXPRESSION_LENGTH = 200;
    private static final int VERDICT_ROUNDS = 4;

    private final ResultStore store;
    private final TLevelBook tLevels;
    private final WorkLeases leases;
    private final ResidueExchange residues;
    /** The largest residue file taken (ecm-wrapper's limit). */
    static final int RESIDUE_MAX_BYTES = 50 * 1024 * 1024;
    private final Database database;
    private final ServerSettings settings;
    private final SubmissionFormat format;
    private final BoundedPrimality primality;
    private final RateLimiter rateLimiter;
    private final ObjectMapper mapper = new ObjectMapper();
    private final Javalin app;

    /** A server with the default limits; {@code adminKey} null disables the admin API. */
    public ResultsServer(Database database, String adminKey) {
        this(database, ServerSettings.defaults(adminKey), Clock.systemUTC());
    }

    public ResultsServer(Database database, ServerSettings settings, Clock clock) {
        this.database = database;
        this.settings = settings;
        this.store = new ResultStore(database.jdbi(), clock);
        this.tLevels = new TLevelBook(database.jdbi());
        boolean postgres = database.url().startsWith("jdbc:postgresql:");
        this.leases = new WorkLeases(database.jdbi(), clock, settings.leaseTime(), postgres);
        this.residues = new ResidueExchange(database.jdbi(), clock, postgres);
        this.format = new SubmissionFormat(settings.maxDigits());
        this.primality = new BoundedPrimality(Math.max(1, Runtime.getRuntime().availableProcessors() - 1), System::nanoTime);
        this.rateLimiter = new RateLimiter(settings.ratePerMinute(), settings.rateBurst(), clock);
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.http.prefer405over404 = true;
            config.http.maxRequestSize = 2L * settings.maxBodyBytes(); // our own limit answers first, in JSON
            config.jetty.multipartConfig.maxFileSize(RESIDUE_MAX_BYTES + 1L, io.javalin.config.SizeUnit.BYTES);
            config.jetty.multipartConfig.maxTotalRequestSize(RESIDUE_MAX_BYTES + 1_000_000L, io.javalin.config.SizeUnit.BYTES);
            config.jetty.multipartConfig.maxInMemoryFileSize(1, io.javalin.config.SizeUnit.MB);
            config.jsonMapper(new JavalinJackson(mapper, false));
            config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
            config.jetty.modifyServletContextHandler(handler -> handler.setErrorHandler(new JsonErrorHandler()));
        });
        app.before(this::rateLimit);
        app.get("/health", this::health);
        app.post("/api/v1/submit_result", this::submit);
        app.get("/api/v1/composites", this::list);
        app.get("/api/v1/composites/{number}", this::find);
        app.post("/api/v1/admin/composites", this::upload);
        app.post("/api/v1/admin/composites/bulk", this::bulk);
        app.post("/api/v1/admin/composites/bulk-structured", this::bulkStructured);
        app.post("/api/v1/admin/composites/upload", this::uploadFile);
        app.put("/api/v1/admin/composites/{number}", this::changeComposite);
        app.get("/api/v1/stats/{number}", this::stats);
        app.get("/api/v1/ecm-work", this::lease);
        app.post("/api/v1/residues/upload", this::residueUpload);
        app.get("/api/v1/residues/work", this::residueClaim);
        app.get("/api/v1/residues/{id}/download", this::residueDownload);
        app.post("/api/v1/residues/{id}/complete", this::residueComplete);
        app.delete("/api/v1/residues/{id}/claim", this::residueRelease);
        app.put("/api/v1/residues/{id}/claim", this::residueExtend);
        app.get("/api/v1/work/status", this::workStatus);
        app.put("/api/v1/work/{id}/progress", this::heartbeat);
        app.post("/api/v1/work/{id}/complete", ctx -> finish(ctx, "completed"));
        app.delete("/api/v1/work/{id}", ctx -> finish(ctx, "abandoned"));
        new DashboardPages(new DashboardQueries(database.jdbi(), clock), clock).register(app);
        app.exception(ApiError.class, (e, ctx) -> {
            if (e.status() == 503) {
                ctx.header("Retry-After", Long.toString(settings.retryAfter().toSeconds()));
            }
            error(ctx, e.status(), e.field(), e.getMessage());
        });
        app.exception(WireException.class, (e, ctx) -> error(ctx, e.kind().httpStatus(), e.field(), e.getMessage()));
        app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), null, e.getMessage()));
        app.exception(Exception.class, this::failure);
        app.error(404, ctx -> replaceError(ctx, 404, "no such resource: " + LogText.safe(ctx.path())));
        app.error(405, ctx -> replaceError(ctx, 405, "method " + ctx.method() + " is not allowed on " + LogText.safe(ctx.path())));
    }

    public ResultsServer start(String host, int port) {
        app.start(host, port);
        log.info("ecmpipe server listening on http://{}:{}/ (database {}; admin API {})", host, app.port(), database.url(),
                settings.adminKey().isPresent() ? "enabled" : "disabled: no ADMIN_API_KEY");
        return this;
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }

    private void rateLimit(Context ctx) {
        if (ctx.path().equals("/health")) {
            return;
        }
        Optional<Duration> wait = rateLimiter.take(ctx.ip());
        if (wait.isPresent()) {
            long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
            ctx.header("Retry-After", Long.toString(seconds));
            throw new ApiError(429, null, "rate limit: at most " + settings.ratePerMinute() + " requests a minute (bursts of "
                    + settings.rateBurst() + ") from one address; retry after " + seconds + " s");
        }
    }

    private void health(Context ctx) {
        boolean db = database.healthy();
        if (!db) {
            ctx.header("Retry-After", Long.toString(settings.retryAfter().toSeconds()));
        }
        ctx.status(db ? 200 : 503).json(mapper.createObjectNode().put("status", db ? "ok" : "degraded")
                .put("database", db ? "ok" : "unreachable"));
    }

    private void submit(Context ctx) {
        Submission submission = format.read(body(ctx));
        Intake intake = Intake.of(submission, format);
        ResultStore.SubmitOutcome outcome = store(intake);
        if (!"duplicate".equals(outcome.factorStatus())) {
            recompute(outcome.compositeId());
        }
        if (!"duplicate".equals(outcome.factorStatus())) {
            log.info("attempt {} on {} from {}: {} curves at B1={}, {}", outcome.attemptId(), LogText.number(outcome.composite()),
                    LogText.safe(submission.clientId()), submission.results().curvesCompleted(), submission.parameters().b1(),
                    outcome.factorStatus());
        }
        ctx.json(mapper.createObjectNode().put("status", "success").put("attempt_id", outcome.attemptId())
                .put("composite_id", outcome.compositeId()).put("message", outcome.message())
                .put("factor_status", outcome.factorStatus()));
    }

    /**
     * Primality checks first, outside any transaction and within the request's time budget; then one short
     * transaction. If the transaction meets numbers nobody checked yet (another submission changed the
     * composite meanwhile), it rolls back, they are checked, and it runs again.
     */
    private ResultStore.SubmitOutcome store(Intake intake) {
        long deadline = System.nanoTime() + settings.checkBudget().toNanos();
        Map<BigInteger, Verdict> verdicts = new HashMap<>();
        BigInteger n = intake.submission().composite();
        Optional<ResultStore.Known> known = store.known(n);
        BigInteger number = known.map(ResultStore.Known::number).orElse(n);
        Map<BigInteger, Verdict> all = new HashMap<>(known.map(ResultStore.Known::factors).orElse(Map.of()));
        List<BigInteger> candidates = new java.util.ArrayList<>(all.keySet());
        candidates.addAll(intake.factors().keySet());
        if (known.isEmpty()) {
            verdicts.put(n, primality.check(n, deadline));
        }
        all.putAll(verdicts);
        for (BigInteger missing : FactorBook.of(number, candidates, all).missing()) {
            verdicts.put(missing, primality.check(missing, deadline));
        }
        all.putAll(verdicts);
        ResultStore.Prepared prepared = new ResultStore.Prepared(number,
                known.map(k -> k.factors().keySet()).orElse(Set.of()), FactorBook.of(number, candidates, all));
        for (int round = 1; ; round++) {
            try {
                return store.submit(intake, verdicts, prepared);
            } catch (ResultStore.NeedVerdicts need) {
                if (round >= VERDICT_ROUNDS) {
                    throw new ApiError(503, null, "the composite changed under this submission " + round + " times; retry");
                }
                for (BigInteger m : need.numbers) {
                    verdicts.put(m, primality.check(m, deadline));
                }
            }
        }
    }

    private void list(Context ctx) {
        String status = ctx.queryParam("status");
        if (status != null && !STATUSES.contains(status)) {
            throw ApiError.invalid("status", "must be composite or fully_factored");
        }
        String project = ctx.queryParam("project");
        if (project != null && (project.length() > 256 || SubmissionFormat.badCharacter(project, false) != null)) {
            throw ApiError.invalid("project", "must be at most 256 characters without control characters");
        }
        ResultStore.Page page = store.list(project, status, intParam(ctx, "limit", DEFAULT_PAGE, 1, MAX_PAGE),
                intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE));
        ObjectNode out = mapper.createObjectNode();
        ArrayNode items = out.putArray("composites");
        page.composites().forEach(v -> items.add(json(v)));
        out.put("total", page.total()).put("limit", page.limit()).put("offset", page.offset());
        long next = (long) page.offset() + page.composites().size();
        if (next < page.total()) {
            out.put("next_offset", next);
        } else {
            out.putNull("next_offset");
        }
        ctx.json(out);
    }

    private static int intParam(Context ctx, String name, int fallback, int min, int max) {
        String text = ctx.queryParam(name);
        if (text == null) {
            return fallback;
        }
        try {
            int v = Integer.parseInt(text);
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiError.invalid(name, "must be an integer from " + min + " to " + max);
    }

    private BigInteger pathNumber(Context ctx) {
        String text = ctx.pathParam("number");
        if (text.length() > settings.maxDigits()) {
            throw new ApiError(413, "number", "has " + text.length() + " characters; this server takes numbers of at most "
                    + settings.maxDigits() + " digits");
        }
        if (text.isEmpty() || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw ApiError.invalid("number", "must be a decimal integer");
        }
        return new BigInteger(text);
    }

    private void find(Context ctx) {
        BigInteger number = pathNumber(ctx);
        ctx.json(json(store.find(number).orElseThrow(() -> unknown(number))));
    }

    private void requireAdmin(Context ctx) {
        if (settings.adminKey().isEmpty()) {
            throw new ApiError(403, "X-Admin-Key", "the admin API is disabled: start the server with ADMIN_API_KEY or ADMIN_API_KEY_FILE set");
        }
        if (!AdminKey.matches(settings.adminKey().get(), ctx.header("X-Admin-Key"))) {
            throw new ApiError(401, "X-Admin-Key", "a valid X-Admin-Key header is required");
        }
    }

    private JsonNode jsonBody(Context ctx) {
        try {
            JsonNode body = new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .readTree(body(ctx));
            if (body == null) {
                throw new ApiError(400, null, "the body is empty; JSON expected");
            }
            return body;
        } catch (IOException e) {
            throw new ApiError(400, null, "malformed JSON: " + LogText.safe(e.getMessage()));
        }
    }

    /** {@code POST /api/v1/admin/composites {composites[], project?, target_t_level?, priority?}}. */
    private void upload(Context ctx) {
        requireAdmin(ctx);
        JsonNode body = jsonBody(ctx);
        if (!body.isObject()) {
            throw new ApiError(400, null, "the body must be a JSON object");
        }
        String project = project(body.get("project"), "project");
        Double target = target(body.get("target_t_level"), "target_t_level");
        JsonNode priority = body.get("priority");
        if (priority != null && !priority.isNull() && !priority.canConvertToInt()) {
            throw ApiError.invalid("priority", "must be an integer");
        }
        addComposites(ctx, items(body.get("composites"), "composites"), project, target,
                priority == null || priority.isNull() ? 0 : priority.asInt());
    }

    /**
     * ecm-wrapper's {@code POST /api/v1/admin/composites/bulk?default_priority=&project_name=}: a JSON array of numbers
     * (ecmpipe adds {@code target_t_level=}).
     */
    private void bulk(Context ctx) {
        requireAdmin(ctx);
        JsonNode body = jsonBody(ctx);
        String project = ctx.queryParam("project_name");
        if (project != null) {
            project = project(mapper.getNodeFactory().textNode(project), "project_name");
        }
        String target = ctx.queryParam("target_t_level");
        addComposites(ctx, items(body, "body"), project, target == null ? null : target(parseNumber(target, "target_t_level"), "target_t_level"),
                intParam(ctx, "default_priority", 0, Integer.MIN_VALUE, Integer.MAX_VALUE));
    }

    /** A number to add as given: its text, the field that named it, its SNFS difficulty and priority when given. */
    private record Item(String text, String field, Integer snfs, Integer priority) {
    }

    private static List<Item> items(JsonNode list, String field) {
        if (list == null || !list.isArray() || list.isEmpty() || list.size() > 10_000) {
            throw ApiError.invalid(field, "must be a list of 1 to 10000 numbers or expressions");
        }
        List<Item> items = new java.util.ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode item = list.get(i);
            if (!item.isTextual() && !item.isIntegralNumber()) {
                throw ApiError.invalid(field + "[" + i + "]", "must be a number or an expression such as (10^71-1)/9");
            }
            items.add(new Item(item.asText(), field + "[" + i + "]", null, null));
        }
        return items;
    }

    /**
     * ecm-wrapper's {@code POST /api/v1/admin/composites/bulk-structured {composites[{number, snfs_difficulty?,
     * priority?, ...}], default_priority, project_name}} (+ {@code target_t_level}); current_composite, is_prime and
     * is_fully_factored are ignored: the server works them out itself.
     */
    private void bulkStructured(Context ctx) {
        requireAdmin(ctx);
        JsonNode body = jsonBody(ctx);
        if (!body.isObject()) {
            throw new ApiError(400, null, "the body must be a JSON object");
        }
        JsonNode list = body.get("composites");
        if (list == null || !list.isArray() || list.isEmpty() || list.size() > 10_000) {
            throw ApiError.invalid("composites", "must be a list of 1 to 10000 objects {number, snfs_difficulty?, priority?}");
        }
        List<Item> items = new java.util.ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String field = "composites[" + i + "]";
            JsonNode o = list.get(i);
            JsonNode number = o.get("number");
            if (!o.isObject() || number == null || !(number.isTextual() || number.isIntegralNumber())) {
                throw ApiError.invalid(field + ".number", "must be a number or an expression");
            }
            JsonNode snfs = o.get("snfs_difficulty");
            if (snfs != null && !snfs.isNull() && (!snfs.canConvertToInt() || snfs.asInt() < 1)) {
                throw ApiError.invalid(field + ".snfs_difficulty", "must be a positive integer, or null");
            }
            JsonNode priority = o.get("priority");
            if (priority != null && !priority.isNull() && !priority.canConvertToInt()) {
                throw ApiError.invalid(field + ".priority", "must be an integer, or null");
            }
            items.add(new Item(number.asText(), field + ".number", snfs == null || snfs.isNull() ? null : snfs.asInt(),
                    priority == null || priority.isNull() ? null : priority.asInt()));
        }
        JsonNode priority = body.get("default_priority");
        if (priority != null && !priority.isNull() && !priority.canConvertToInt()) {
            throw ApiError.invalid("default_priority", "must be an integer");
        }
        addComposites(ctx, items, project(body.get("project_name"), "project_name"), target(body.get("target_t_level"), "target_t_level"),
                priority == null || priority.isNull() ? 0 : priority.asInt());
    }

    /**
     * ecm-wrapper's {@code POST /api/v1/admin/composites/upload} (multipart: {@code file}, {@code source_type}
     * auto|csv|text, {@code default_priority}, {@code project_name}; + {@code target_t_level}). Text: one number or
     * expression a line ({@code #} comments); CSV: a header naming {@code number} (and optionally
     * {@code snfs_difficulty}, {@code priority}).
     */
    private void uploadFile(Context ctx) {
        requireAdmin(ctx);
        var file = uploadedFile(ctx);
        if (file == null) {
            throw ApiError.invalid("file", "a multipart form field 'file' is required");
        }
        if (file.size() > settings.maxBodyBytes()) {
            throw new ApiError(413, "file", "is larger than this server's limit of " + settings.maxBodyBytes() + " bytes");
        }
        String text;
        try (InputStream in = file.content()) {
            text = java.nio.charset.StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(in.readAllBytes())).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw ApiError.invalid("file", "is not UTF-8 text");
        } catch (IOException e) {
            throw new ApiError(400, "file", "cannot be read: " + LogText.safe(e.getMessage()));
        }
        String type = Optional.ofNullable(ctx.formParam("source_type")).orElse("auto");
        if (!Set.of("auto", "csv", "text").contains(type)) {
            throw ApiError.invalid("source_type", "must be auto, csv or text");
        }
        String[] lines = text.split("\r?\n");
        boolean csv = type.equals("csv") || type.equals("auto") && lines.length > 0 && lines[0].toLowerCase(java.util.Locale.ROOT)
                .replace("\"", "").matches("\\s*number\\s*(,.*)?");
        List<Item> items = new java.util.ArrayList<>();
        if (csv) {
            List<String> header = List.of(lines[0].toLowerCase(java.util.Locale.ROOT).replace("\"", "").split("\\s*,\\s*", -1))
                    .stream().map(String::strip).toList();
            int number = header.indexOf("number");
            int snfs = header.indexOf("snfs_difficulty");
            int priority = header.indexOf("priority");
            if (number < 0) {
                throw ApiError.invalid("file", "line 1: a CSV header with a 'number' column is required");
            }
            for (int i = 1; i < lines.length; i++) {
                if (lines[i].isBlank()) {
                    continue;
                }
                String[] cells = lines[i].replace("\"", "").split("\\s*,\\s*", -1);
                String field = "file line " + (i + 1);
                if (cells.length <= number) {
                    throw ApiError.invalid(field, "has no 'number' column");
                }
                items.add(new Item(cells[number].strip(), field, cell(cells, snfs, field + " snfs_difficulty"),
                        cell(cells, priority, field + " priority")));
            }
        } else {
            for (int i = 0; i < lines.length; i++) {
                String s = lines[i].strip();
                if (!s.isEmpty() && !s.startsWith("#")) {
                    items.add(new Item(s, "file line " + (i + 1), null, null));
                }
            }
        }
        if (items.isEmpty() || items.size() > 10_000) {
            throw ApiError.invalid("file", "must hold 1 to 10000 numbers");
        }
        String target = ctx.formParam("target_t_level");
        String priority = ctx.formParam("default_priority");
        int defaultPriority;
        try {
            defaultPriority = priority == null || priority.isBlank() ? 0 : Integer.parseInt(priority.strip());
        } catch (NumberFormatException e) {
            throw ApiError.invalid("default_priority", "must be an integer");
        }
        String project = ctx.formParam("project_name");
        addComposites(ctx, items, project == null ? null : project(mapper.getNodeFactory().textNode(project), "project_name"),
                target == null ? null : target(parseNumber(target, "target_t_level"), "target_t_level"), defaultPriority);
    }

    private static Integer cell(String[] cells, int column, String field) {
        if (column < 0 || column >= cells.length || cells[column].isBlank()) {
            return null;
        }
        try {
            return Integer.parseInt(cells[column].strip());
        } catch (NumberFormatException e) {
            throw ApiError.invalid(field, "must be an integer");
        }
    }

    private static JsonNode parseNumber(String text, String field) {
        try {
            return com.fasterxml.jackson.databind.node.DoubleNode.valueOf(Double.parseDouble(text));
        } catch (NumberFormatException e) {
            throw ApiError.invalid(field, "must be a number");
        }
    }

    private static String project(JsonNode project, String field) {
        if (project == null || project.isNull()) {
            return null;
        }
        if (!project.isTextual() || project.asText().length() > 256 || SubmissionFormat.badCharacter(project.asText(), false) != null) {
            throw ApiError.invalid(field, "must be a string of at most 256 characters without control characters");
        }
        return project.asText();
    }

    private static Double target(JsonNode target, String field) {
        if (target == null || target.isNull()) {
            return null;
        }
        if (!target.isNumber() || !(target.asDouble() >= 10 && target.asDouble() <= 99)) {
            throw ApiError.invalid(field, "must be a t-level from 10 to 99, or null for the default (4/13 of the digits)");
        }
        return target.asDouble();
    }

    /**
     * Adds the numbers (checked, evaluated, primality within the time budget), then computes each new composite's
     * t-level and next work. Numbers given twice and numbers already known are reported, not added again.
     */
    private void addComposites(Context ctx, List<Item> items, String project, Double target, int defaultPriority) {
        long deadline = System.nanoTime() + settings.checkBudget().toNanos();
        Map<BigInteger, ResultStore.NewComposite> numbers = new LinkedHashMap<>();
        ArrayNode duplicates = mapper.createArrayNode();
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            BigInteger n = evaluate(item.text(), item.field());
            if (n.compareTo(BigInteger.ONE) <= 0) {
                throw ApiError.invalid(item.field(), "must be greater than 1");
            }
            if (numbers.containsKey(n)) {
                duplicates.addObject().put("index", i).put("number", n.toString());
                continue;
            }
            numbers.put(n, new ResultStore.NewComposite(primality.check(n, deadline), item.snfs(),
                    item.priority() != null ? item.priority() : defaultPriority));
        }
        ResultStore.UploadOutcome outcome = store.upload(project, numbers, target);
        outcome.added().forEach(this::recompute);
        ObjectNode out = mapper.createObjectNode().put("status", "success").put("added", outcome.added().size())
                .put("existing", outcome.known().size()).put("duplicates_in_request", duplicates.size());
        ArrayNode known = out.putArray("known");
        outcome.known().forEach(n -> known.add(n.toString()));
        out.set("duplicates", duplicates);
        ctx.json(out);
    }

    /** {@code PUT /api/v1/admin/composites/{number} {target_t_level?, snfs_difficulty?, priority?}}: null resets. */
    private void changeComposite(Context ctx) {
        requireAdmin(ctx);
        BigInteger number = pathNumber(ctx);
        JsonNode body = jsonBody(ctx);
        if (!body.isObject()) {
            throw new ApiError(400, null, "the body must be a JSON object");
        }
        JsonNode snfs = body.get("snfs_difficulty");
        if (snfs != null && !snfs.isNull() && (!snfs.canConvertToInt() || snfs.asInt() < 1 || snfs.asInt() > 100_000)) {
            throw ApiError.invalid("snfs_difficulty", "must be a positive integer (digits), or null");
        }
        JsonNode priority = body.get("priority");
        if (priority != null && (priority.isNull() || !priority.canConvertToInt())) {
            throw ApiError.invalid("priority", "must be an integer");
        }
        var change = new ResultStore.QueueChange(body.has("target_t_level"), target(body.get("target_t_level"), "target_t_level"),
                body.has("snfs_difficulty"), snfs == null || snfs.isNull() ? null : snfs.asInt(),
                priority == null ? null : priority.asInt());
        long id = store.change(number, change).orElseThrow(() -> unknown(number));
        recompute(id);
        ctx.json(json(store.find(number).orElseThrow(() -> unknown(number))));
    }

    /**
     * ecm-wrapper's {@code GET /api/v1/ecm-work?client_id=[&min_digits=&max_digits=&priority=]}, plus what it computes
     * but never sends: b1, b2 (null: ecm's default), curves (at most {@code max_curves}, default 1000), param (the
     * {@code param} asked for, default 1; GPU stage 1 asks for 3; the curves are planned at param 1 either way).
     */
    private void lease(Context ctx) {
        String client = clientId(ctx, true);
        var request = new WorkLeases.Request(client, intParam(ctx, "max_curves", 1000, 1, 1_000_000),
                intParam(ctx, "param", TLevelBook.PLAN_PARAM, 0, 3), optionalInt(ctx, "min_digits"), optionalInt(ctx, "max_digits"), optionalInt(ctx, "priority"));
        Optional<WorkLeases.Lease> lease = leases.take(request);
        ObjectNode o = mapper.createObjectNode();
        if (lease.isEmpty()) {
            for (String f : List.of("work_id", "composite_id", "composite", "digit_length", "current_t_level", "target_t_level",
                    "expires_at", "b1", "b2", "curves", "param")) {
                o.putNull(f);
            }
            o.put("message", "No suitable work available matching criteria");
            ctx.json(o);
            return;
        }
        WorkLeases.Lease l = lease.get();
        o.put("work_id", l.id()).put("composite_id", l.compositeId()).put("composite", l.composite())
                .put("digit_length", l.digits()).put("current_t_level", round3(l.tLevel())).put("target_t_level", round3(l.target()))
                .put("expires_at", l.expiresAt().toInstant().toString()).put("b1", l.b1()).putNull("b2")
                .put("curves", l.curves()).put("param", l.param())
                .put("lease_seconds", settings.leaseTime().toSeconds())
                .put("message", "Run " + l.curves() + " curves at B1=" + l.b1() + " (ecm's default B2, -param " + l.param()
                        + "); heartbeat with PUT /api/v1/work/" + l.id() + "/progress before " + l.expiresAt().toInstant());
        log.info("lease {} to {}: {} curves at B1={} on composite {}", l.id(), LogText.safe(client), l.curves(), l.b1(), l.compositeId());
        ctx.json(o);
    }

    /** {@code PUT /api/v1/work/{id}/progress?client_id=&curves_completed=&message=}: the heartbeat. */
    private void heartbeat(Context ctx) {
        String message = ctx.queryParam("message");
        if (message != null && (message.length() > 1000 || SubmissionFormat.badCharacter(message, false) != null)) {
            throw ApiError.invalid("message", "must be at most 1000 characters without control characters");
        }
        WorkLeases.State state = leases.progress(workId(ctx), clientId(ctx, false), optionalInt(ctx, "curves_completed"), message)
                .orElseThrow(() -> noLease(ctx));
        ObjectNode o = mapper.createObjectNode().put("status", "active".equals(state.status()) ? "updated" : state.status())
                .put("work_id", state.id()).put("curves_completed", state.curvesCompleted())
                .put("expires_at", state.expiresAt() == null ? null : state.expiresAt().toInstant().toString());
        if (!"active".equals(state.status())) {
            o.put("message", "cancelled".equals(state.status()) ? "stop: a factor was found, the composite's cofactor changed"
                    : "stop: this lease is " + state.status());
        }
        ctx.json(o);
    }

    private void finish(Context ctx, String status) {
        String reason = ctx.queryParam("reason");
        if (reason != null && (reason.length() > 256 || SubmissionFormat.badCharacter(reason, false) != null)) {
            throw ApiError.invalid("reason", "must be at most 256 characters without control characters");
        }
        WorkLeases.State state = leases.finish(workId(ctx), clientId(ctx, false), status, reason).orElseThrow(() -> noLease(ctx));
        ObjectNode o = mapper.createObjectNode().put("status", "abandoned".equals(status) && "abandoned".equals(state.status())
                ? "abandoned" : state.status()).put("work_id", state.id());
        if ("abandoned".equals(status)) {
            o.put("reason", reason);
        }
        ctx.json(o);
    }

    /**
     * ecm-wrapper's {@code POST /api/v1/residues/upload} (multipart {@code file}; header {@code X-Client-ID}; query
     * {@code stage1_attempt_id}, {@code expiry_days} 1-30, default 7; ecmpipe adds {@code checksum}, the file's
     * SHA-256, verified when given).
     */
    private void residueUpload(Context ctx) {
        String client = headerClient(ctx);
        var file = uploadedFile(ctx);
        if (file == null) {
            throw ApiError.invalid("file", "a multipart form field 'file' is required");
        }
        if (file.size() > RESIDUE_MAX_BYTES) {
            throw new ApiError(413, "file", "is larger than this server's limit of " + RESIDUE_MAX_BYTES + " bytes");
        }
        byte[] content;
        try (InputStream in = file.content()) {
            content = in.readNBytes(RESIDUE_MAX_BYTES + 1);
        } catch (IOException e) {
            throw new ApiError(400, "file", "cannot be read: " + LogText.safe(e.getMessage()));
        }
        if (content.length > RESIDUE_MAX_BYTES) {
            throw new ApiError(413, "file", "is larger than this server's limit of " + RESIDUE_MAX_BYTES + " bytes");
        }
        if (content.length == 0) {
            throw ApiError.invalid("file", "is empty");
        }
        ResidueExchange.Parsed parsed = ResidueExchange.parse(content);
        String given = Optional.ofNullable(ctx.queryParam("checksum")).orElse(ctx.formParam("checksum"));
        if (given != null && !given.strip().equalsIgnoreCase(parsed.sha256())) {
            throw ApiError.invalid("checksum", "the file's SHA-256 is " + parsed.sha256() + ", not the one given: it was"
                    + " damaged in transit; nothing was stored");
        }
        String attempt = ctx.queryParam("stage1_attempt_id");
        Long stage1 = null;
        if (attempt != null) {
            try {
                stage1 = Long.parseLong(attempt);
            } catch (NumberFormatException e) {
                throw ApiError.invalid("stage1_attempt_id", "must be an attempt id (integer)");
            }
        }
        int days = intParam(ctx, "expiry_days", 7, 1, 30);
        ResidueExchange.Uploaded u = residues.upload(client, content, parsed, stage1, Duration.ofDays(days));
        if (u.stage1Created()) {
            recompute(u.compositeId());
        }
        log.info("residue {} from {}: {} curves at B1={} on composite {}", u.residueId(), LogText.safe(client), u.curves(), u.b1(),
                u.compositeId());
        ctx.json(mapper.createObjectNode().put("residue_id", u.residueId()).put("composite_id", u.compositeId())
                .put("composite", u.composite()).put("b1", u.b1()).put("parametrization", u.param()).put("curve_count", u.curves())
                .put("file_size_bytes", u.bytes()).put("expires_at", u.expiresAt().toInstant().toString())
                .put("stage1_attempt_id", u.stage1AttemptId()).put("checksum", u.checksum())
                .put("message", u.curves() + " residues stored" + (u.stage1Created() ? "; their stage 1 is credited at B2=0 as attempt "
                        + u.stage1AttemptId() : "")));
    }

    /**
     * The multipart field {@code file}; a form Jetty cannot read (cut short in transit: "Incomplete Multipart", or the
     * client gone mid-body) is the client's fault, a 400, not a 500.
     */
    private static io.javalin.http.UploadedFile uploadedFile(Context ctx) {
        try {
            return ctx.uploadedFile("file");
        } catch (Exception e) { // Javalin (Kotlin) rethrows Jetty's undeclared IOException
            if (e instanceof IOException || e.getCause() instanceof IOException) {
                throw new ApiError(400, "file", "the multipart form cannot be read (cut short in transit?): "
                        + LogText.safe(String.valueOf(e.getMessage())) + "; nothing was stored");
            }
            throw e;
        }
    }

    /** ecm-wrapper's {@code GET /api/v1/residues/work} (claims one). */
    private void residueClaim(Context ctx) {
        String client = headerClient(ctx);
        Optional<ResidueExchange.Claim> claim = residues.claim(client, optionalInt(ctx, "min_digits"), optionalInt(ctx, "max_digits"),
                optionalInt(ctx, "min_priority"), claimTime(ctx));
        ObjectNode o = mapper.createObjectNode();
        if (claim.isEmpty()) {
            for (String f : List.of("residue_id", "composite_id", "composite", "digit_length", "b1", "parametrization", "curve_count",
                    "stage1_attempt_id", "download_url", "suggested_b2", "expires_at")) {
                o.putNull(f);
            }
            ctx.json(o.put("message", "No residues available"));
            return;
        }
        ResidueExchange.Claim c = claim.get();
        ctx.json(o.put("residue_id", c.residueId()).put("composite_id", c.compositeId()).put("composite", c.composite())
                .put("digit_length", c.composite().length()).put("b1", c.b1()).put("parametrization", c.param())
                .put("curve_count", c.curves()).put("stage1_attempt_id", c.stage1AttemptId())
                .put("download_url", "/api/v1/residues/" + c.residueId() + "/download")
                .put("suggested_b2", Math.min(100 * c.b1(), 10_000_000_000_000L))
                .put("expires_at", c.expiresAt().toInstant().toString())
                .put("message", "Residue claimed until " + c.expiresAt().toInstant()));
    }

    private void residueDownload(Context ctx) {
        long id = residueId(ctx);
        ResidueExchange.Download d = residues.download(id, headerClient(ctx));
        ctx.header("X-Checksum-SHA256", d.checksum()).header("Content-Disposition", "attachment; filename=\"residue_" + id + ".txt\"")
                .contentType("text/plain; charset=utf-8").result(d.content());
    }

    /** {@code POST /api/v1/residues/{id}/complete {stage2_attempt_id}}. */
    private void residueComplete(Context ctx) {
        long id = residueId(ctx);
        String client = headerClient(ctx);
        JsonNode body = jsonBody(ctx);
        JsonNode attempt = body.get("stage2_attempt_id");
        if (attempt == null || !attempt.canConvertToLong()) {
            throw ApiError.invalid("stage2_attempt_id", "is required: the attempt_id submit_result gave for the stage 2");
        }
        ResidueExchange.Completed c = residues.complete(id, client, attempt.asLong());
        Optional<TLevelBook.Progress> t = Optional.empty();
        try {
            t = tLevels.recompute(c.compositeId());
        } catch (RuntimeException e) {
            log.warn("t-level of composite {} not recomputed: {}", c.compositeId(), LogText.safe(String.valueOf(e.getMessage())));
        }
        ObjectNode o = mapper.createObjectNode().put("residue_id", c.residueId()).put("stage1_attempt_id", c.stage1AttemptId())
                .put("stage2_attempt_id", c.stage2AttemptId()).put("composite_id", c.compositeId());
        if (t.isPresent()) {
            o.put("new_t_level", round3(t.get().tLevel()));
        } else {
            o.putNull("new_t_level");
        }
        ctx.json(o.put("message", "Residue completed; its file is deleted"));
    }

    /**
     * How long a claim holds: ecmpipe's {@code claim_seconds} (10 s to 7 days; a worker that heartbeats with
     * {@code PUT /residues/{id}/claim}), else ecm-wrapper's {@code claim_timeout_hours} (1-168, default 24).
     */
    private static Duration claimTime(Context ctx) {
        if (ctx.queryParam("claim_seconds") != null) {
            return Duration.ofSeconds(intParam(ctx, "claim_seconds", 0, 10, 7 * 24 * 3600));
        }
        return Duration.ofHours(intParam(ctx, "claim_timeout_hours", 24, 1, 168));
    }

    /** {@code PUT /api/v1/residues/{id}/claim?claim_seconds=}: a stage-2 worker's heartbeat, extending its claim. */
    private void residueExtend(Context ctx) {
        long id = residueId(ctx);
        boolean held = residues.extend(id, headerClient(ctx), claimTime(ctx));
        ObjectNode o = mapper.createObjectNode().put("residue_id", id).put("status", held ? "claimed" : "lost");
        if (!held) {
            o.put("message", "stop: residue " + id + " is no longer claimed by this client");
        }
        ctx.json(o);
    }

    /**
     * {@code GET /api/v1/work/status}: what is pending across the fleet, so a worker run with {@code --until-idle}
     * knows whether work may still come (a stage-2 worker waits while stage-1 leases are live).
     */
    private void workStatus(Context ctx) {
        WorkLeases.Pending p = leases.pending();
        ctx.json(mapper.createObjectNode().put("lease_seconds", settings.leaseTime().toSeconds())
                .put("active_leases", p.activeLeases()).put("leasable_composites", p.leasableComposites())
                .put("available_residues", p.availableResidues()).put("claimed_residues", p.claimedResidues()));
    }

    private void residueRelease(Context ctx) {
        long id = residueId(ctx);
        residues.release(id, headerClient(ctx));
        ctx.json(mapper.createObjectNode().put("residue_id", id).put("status", "available")
                .put("message", "Claim released; the residue is available again"));
    }

    private static long residueId(Context ctx) {
        try {
            return Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw ApiError.invalid("residue_id", "must be an integer");
        }
    }

    /** The {@code X-Client-ID} header the residue routes require. */
    private static String headerClient(Context ctx) {
        String client = ctx.header("X-Client-ID");
        if (client == null || client.isBlank()) {
            throw ApiError.invalid("X-Client-ID", "the header is required (e.g. user-host)");
        }
        if (client.length() > 256 || SubmissionFormat.badCharacter(client, false) != null) {
            throw ApiError.invalid("X-Client-ID", "must be at most 256 characters without control characters");
        }
        return client;
    }

    private static ApiError noLease(Context ctx) {
        return new ApiError(404, "work_id", "no work " + LogText.safe(ctx.pathParam("id")) + " leased to this client");
    }

    private static String workId(Context ctx) {
        String id = ctx.pathParam("id");
        if (id.length() > 36 || !id.chars().allMatch(ch -> ch == '-' || Character.digit(ch, 16) >= 0)) {
            throw ApiError.invalid("work_id", "must be a work id as GET /api/v1/ecm-work gave it");
        }
        return id;
    }

    /** {@code client_id} from the query (required when leasing; optional otherwise: the work id is unguessable). */
    private static String clientId(Context ctx, boolean required) {
        String client = ctx.queryParam("client_id");
        if (client == null || client.isEmpty()) {
            if (required) {
                throw ApiError.invalid("client_id", "is required (e.g. user-host)");
            }
            return null;
        }
        if (client.length() > 256 || SubmissionFormat.badCharacter(client, false) != null) {
            throw ApiError.invalid("client_id", "must be at most 256 characters without control characters");
        }
        return client;
    }

    private static Integer optionalInt(Context ctx, String name) {
        return ctx.queryParam(name) == null ? null : intParam(ctx, name, 0, 0, Integer.MAX_VALUE);
    }

    /** ecm-wrapper's {@code GET /api/v1/stats/{composite}} ({@code CompositeStats}). */
    private void stats(Context ctx) {
        BigInteger number = pathNumber(ctx);
        ResultStore.CompositeView v = store.find(number).orElseThrow(() -> unknown(number));
        ObjectNode o = mapper.createObjectNode();
        o.put("composite", v.composite()).put("current_composite", v.cofactor()).put("digit_length", v.cofactor().length())
                .put("has_snfs_form", v.queue().snfsDifficulty() != null);
        putNullable(o, "snfs_difficulty", v.queue().snfsDifficulty());
        o.put("target_t_level", round3(v.queue().targetTLevel())).put("current_t_level", round3(v.queue().tLevel()))
                .put("priority", v.queue().priority())
                .put("status", "fully_factored".equals(v.status()) && v.factors().isEmpty() ? "prime" : v.status());
        ArrayNode factors = o.putArray("factors_found");
        v.factors().forEach(f -> factors.add(f.factor()));
        ObjectNode work = o.putObject("ecm_work");
        work.put("total_attempts", v.attemptCount()).put("total_curves", v.curvesByB1().stream().mapToLong(ResultStore.EffortView::curves).sum());
        ArrayNode levels = work.putArray("effort_by_level");
        new java.util.TreeMap<>(v.curvesByB1().stream().collect(java.util.stream.Collectors.groupingBy(
                ResultStore.EffortView::b1, java.util.stream.Collectors.summingLong(ResultStore.EffortView::curves))))
                .forEach((b1, curves) -> levels.addObject().put("b1", b1.longValue()).put("curves", curves));
        work.put("last_attempt", v.queue().lastAttempt() == null ? null : v.queue().lastAttempt().toInstant().toString());
        ArrayNode projects = o.putArray("projects");
        if (v.project() != null) {
            projects.add(v.project());
        }
        ctx.json(o);
    }

    private static void putNullable(ObjectNode o, String name, Integer value) {
        if (value == null) {
            o.putNull(name);
        } else {
            o.put(name, value);
        }
    }

    static double round3(double x) {
        return Math.round(x * 1000) / 1000.0;
    }

    private static ApiError unknown(BigInteger number) {
        return new ApiError(404, "number", "composite " + LogText.number(number) + " is not known here");
    }

    /** After a submission or a change: the composite's t-level and next work. Its failure loses nothing stored. */
    private void recompute(long compositeId) {
        try {
            tLevels.recompute(compositeId);
        } catch (RuntimeException e) {
            log.warn("t-level of composite {} not recomputed (the next submission or lease will): {}", compositeId,
                    LogText.safe(String.valueOf(e.getMessage())));
        }
    }

    /**
     * A plain number, or an expression whose size bound ({@link ExpressionSize}) is within the digit limit, so
     * that evaluating it is cheap.
     */
    private BigInteger evaluate(String text, String field) {
        String s = text.strip();
        if (NumberExpression.isPlainDecimal(s)) {
            if (s.length() > settings.maxDigits()) {
                throw new ApiError(413, field, "has " + s.length() + " digits; this server takes numbers of at most "
                        + settings.maxDigits() + " digits");
            }
            return new BigInteger(s);
        }
        if (s.length() > MAX_EXPRESSION_LENGTH) {
            throw ApiError.invalid(field, "expressions are limited to " + MAX_EXPRESSION_LENGTH + " characters");
        }
        double bound = ExpressionSize.digitsBound(s);
        if (bound > settings.maxDigits() + 1) {
            throw new ApiError(413, field, "may have up to " + (Double.isInfinite(bound) ? "astronomically many" : (long) bound)
                    + " digits; this server takes numbers of at most " + settings.maxDigits() + " digits");
        }
        BigInteger n;
        try {
            n = NumberExpression.evaluate(s);
        } catch (ExpressionException | ArithmeticException e) {
            throw ApiError.invalid(field, "not a number: " + LogText.safe(e.getMessage()));
        }
        if (n.toString().length() > settings.maxDigits()) {
            throw new ApiError(413, field, "has " + n.toString().length() + " digits; this server takes numbers of at most "
                    + settings.maxDigits() + " digits");
        }
        return n;
    }

    /** The request body: 413 past the configured limit (before reading it all). */
    private byte[] body(Context ctx) {
        int max = settings.maxBodyBytes();
        if (ctx.contentLength() > max) {
            throw tooLarge(max);
        }
        byte[] bytes;
        try (InputStream in = ctx.bodyInputStream()) {
            bytes = in.readNBytes(max + 1);
        } catch (IOException e) {
            throw new ApiError(400, null, "cannot read the request body: " + LogText.safe(e.getMessage()));
        }
        if (bytes.length > max) {
            throw tooLarge(max);
        }
        return bytes;
    }

    private static ApiError tooLarge(int max) {
        return new ApiError(413, null, "the body is larger than this server's limit of " + max + " bytes");
    }

    /** Not the client's fault: 503 when the database is unavailable, else 500 (logged). */
    private void failure(Exception e, Context ctx) {
        if (databaseUnavailable(e) || database.closed()) {
            log.warn("{} {}: database unavailable ({})", ctx.method(), LogText.safe(ctx.path()), LogText.safe(String.valueOf(rootMessage(e))));
            ctx.header("Retry-After", Long.toString(settings.retryAfter().toSeconds()));
            error(ctx, 503, null, "the database is unavailable; nothing was stored. Retry later");
            return;
        }
        log.error("{} {} failed", ctx.method(), LogText.safe(ctx.path()), e);
        error(ctx, 500, null, "internal server error: nothing was stored");
    }

    static boolean databaseUnavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof java.net.ConnectException) {
                return true;
            }
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                int code = sql.getErrorCode();
                if (state != null && (state.startsWith("08") || state.startsWith("57P") || state.equals("53300"))) {
                    return true;
                }
                if (code == 90098 || code == 90121 || code == 90067) { // H2: database closed / connection broken
                    return true;
                }
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    private void replaceError(Context ctx, int status, String message) {
        String type = ctx.res().getContentType();
        if (type != null && type.startsWith("text/html") && ctx.result() != null) {
            return; // a dashboard page that says what was not found
        }
        if (type == null || !type.startsWith("application/json") || ctx.result() == null || !ctx.result().contains("\"detail\"")) {
            error(ctx, status, null, message);
        }
    }

    private void error(Context ctx, int status, String field, String message) {
        ObjectNode body = mapper.createObjectNode().put("detail", field == null ? message : field + ": " + message);
        if (field != null) {
            body.put("field", field);
        }
        ctx.status(status).json(body);
    }

    private ObjectNode json(ResultStore.CompositeView v) {
        ObjectNode o = mapper.createObjectNode();
        o.put("composite", v.composite()).put("digits", v.digits()).put("project", v.project()).put("status", v.status());
        ArrayNode factors = o.putArray("factors");
        for (ResultStore.FactorView f : v.factors()) {
            ObjectNode fo = factors.addObject().put("factor", f.factor());
            if (f.prime() == null) {
                fo.putNull("prime");
            } else {
                fo.put("prime", f.prime());
            }
            fo.put("sigma", f.sigma()).put("client_id", f.clientId())
                    .put("found_at", f.foundAt() == null ? null : f.foundAt().toInstant().toString());
        }
        o.put("attempt_count", v.attemptCount());
        ArrayNode effort = o.putArray("curves_by_b1");
        for (ResultStore.EffortView e : v.curvesByB1()) {
            effort.addObject().put("b1", e.b1().toString()).put("b2", e.b2() == null ? null : e.b2().toString())
                    .put("curves", e.curves());
        }
        o.put("cofactor", v.cofactor()).put("cofactor_digits", v.cofactor().length());
        ResultStore.QueueView q = v.queue();
        o.put("t_level", round3(q.tLevel())).put("target_t_level", round3(q.targetTLevel()))
                .put("target_t_level_set", q.targetSet());
        putNullable(o, "snfs_difficulty", q.snfsDifficulty());
        o.put("priority", q.priority());
        if (q.nextB1() == null) {
            o.putNull("next_b1");
        } else {
            o.put("next_b1", q.nextB1());
        }
        o.put("curves_to_target", q.curvesToTarget());
        return o;
    }
}
