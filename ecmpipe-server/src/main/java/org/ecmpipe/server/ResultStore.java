package org.ecmpipe.server;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.ecmpipe.server.BoundedPrimality.Verdict;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * Composites, their ECM attempts and their factors. A submission is one short transaction that locks its
 * composite's row ({@code SELECT ... FOR UPDATE}): concurrent submissions for one composite apply one after
 * another, across any number of server processes sharing the database. Unique keys (number, submission_id,
 * work hash) decide races; a lost race is retried. Nothing expensive runs inside a transaction: primality
 * verdicts come in from outside, and a transaction that finds one missing rolls back and asks for it
 * ({@link NeedVerdicts}).
 */
final class ResultStore {

    /** How a submission was taken. */
    record SubmitOutcome(long attemptId, long compositeId, BigInteger composite, String factorStatus, String message) {
    }

    /** A transaction needs the primality of these numbers; nothing was written. */
    static final class NeedVerdicts extends RuntimeException {
        final List<BigInteger> numbers;

        NeedVerdicts(List<BigInteger> numbers) {
            super("primality needed", null, false, false);
            this.numbers = numbers;
        }
    }

    /** What is known of a composite before a submission: its number and factors with their stored verdicts. */
    record Known(BigInteger number, Map<BigInteger, Verdict> factors) {
    }

    /**
     * The factor book worked out before the transaction from {@code number} and its {@code known} factors plus
     * the submission's; the transaction uses it as is when it finds the same, so no gcd runs under a lock.
     */
    record Prepared(BigInteger number, java.util.Set<BigInteger> known, FactorBook.State state) {
    }

    record FactorView(String factor, Boolean prime, String sigma, String clientId, OffsetDateTime foundAt) {
    }

    record EffortView(BigInteger b1, BigInteger b2, long curves) {
    }

    /**
     * A composite's place in the queue: the t-level of all its ECM work, its target (the admin's, else the default
     * from its cofactor's digits or SNFS difficulty), and the next work (curves at next_b1 that reach the target).
     */
    record QueueView(double tLevel, double targetTLevel, boolean targetSet, Integer snfsDifficulty, int priority,
                     Long nextB1, long curvesToTarget, OffsetDateTime lastAttempt) {
    }

    record CompositeView(long id, String composite, int digits, String project, String status, String cofactor,
                         List<FactorView> factors, long attemptCount, List<EffortView> curvesByB1, QueueView queue) {
    }

    record Page(List<CompositeView> composites, long total, int limit, int offset) {
    }

    /** @param added the ids of the new composites, in order; @param known numbers that were already there */
    record UploadOutcome(List<Long> added, List<BigInteger> known) {
    }

    private static final int RETRIES = 8;
    private static final String COLUMNS = "id, number, digits, project, status, cofactor, t_level, target_t_level,"
            + " snfs_difficulty, priority, next_b1, curves_to_target";
    private final Jdbi jdbi;
    private final Clock clock;

    ResultStore(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** The composite a number belongs to (as its original number or its current cofactor), read without locks. */
    Optional<Known> known(BigInteger number) {
        return jdbi.withHandle(h -> find(h, number, false).map(id -> known(h, id)));
    }

    private static Known known(Handle h, long id) {
        String number = h.createQuery("SELECT number FROM composites WHERE id = :id").bind("id", id).mapTo(String.class).one();
        Map<BigInteger, Verdict> factors = new LinkedHashMap<>();
        h.createQuery("SELECT factor, prime FROM factors WHERE composite_id = :id").bind("id", id)
                .map((rs, ctx) -> Map.entry(new BigInteger(rs.getString(1)), Verdict.ofColumn((Boolean) rs.getObject(2))))
                .forEach(e -> factors.put(e.getKey(), e.getValue()));
        return new Known(new BigInteger(number), factors);
    }

    /**
     * Stores one accepted submission.
     *
     * @throws NeedVerdicts when a primality verdict is missing (nothing written)
     * @throws ApiError 409 when its submission_id was stored with other content
     */
    SubmitOutcome submit(Intake in, Map<BigInteger, Verdict> verdicts, Prepared prepared) {
        return retryingOnConflict(() -> jdbi.inTransaction(TransactionIsolationLevel.READ_COMMITTED, h -> submitIn(h, in, verdicts, prepared)));
    }

    private SubmitOutcome submitIn(Handle h, Intake in, Map<BigInteger, Verdict> verdicts, Prepared prepared) {
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        BigInteger submitted = in.submission().composite();
        Optional<Long> existing = find(h, submitted, true);
        if (existing.isEmpty()) {
            Verdict v = verdicts.get(submitted);
            if (v == null) {
                throw new NeedVerdicts(List.of(submitted));
            }
        }
        if (in.submission().submissionId() != null) {
            var first = h.createQuery("SELECT id, composite_id, content_sha256 FROM attempts WHERE submission_id = :s")
                    .bind("s", in.submission().submissionId()).mapToMap().findOne();
            if (first.isPresent()) {
                long id = ((Number) first.get().get("id")).longValue();
                if (!in.contentHash().equals(first.get().get("content_sha256"))) {
                    throw new ApiError(409, "submission_id", "submission " + in.submission().submissionId()
                            + " was already stored (attempt " + id + ") with different content; a submission_id names one result");
                }
                return duplicate(h, id, ((Number) first.get().get("composite_id")).longValue(),
                        "submission " + in.submission().submissionId() + " was already stored as attempt " + id);
            }
        }
        if (in.workHash() != null) {
            var same = h.createQuery("SELECT id, composite_id FROM attempts WHERE work_hash = :w").bind("w", in.workHash())
                    .mapToMap().findOne();
            if (same.isPresent()) {
                long id = ((Number) same.get().get("id")).longValue();
                return duplicate(h, id, ((Number) same.get().get("composite_id")).longValue(),
                        "the same work (composite, method, B1, B2, parametrization, sigma, curves) was already stored as attempt " + id);
            }
        }
        long compositeId = existing.isPresent() ? existing.get() : insertComposite(h, submitted, in.submission().project(), verdicts.get(submitted), now);
        Known known = known(h, compositeId);
        Map<BigInteger, Verdict> all = new HashMap<>(verdicts);
        all.putAll(known.factors());
        List<BigInteger> candidates = new ArrayList<>(known.factors().keySet());
        candidates.addAll(in.factors().keySet());
        FactorBook.State state = prepared.number().equals(known.number()) && prepared.known().equals(known.factors().keySet())
                && prepared.state().missing().isEmpty() ? prepared.state() : FactorBook.of(known.number(), candidates, all);
        if (!state.missing().isEmpty()) {
            throw new NeedVerdicts(List.copyOf(state.missing()));
        }
        long attemptId = insertAttempt(h, compositeId, in, now);
        if ("ecm".equals(in.submission().method()) && in.stage2Curves() > 0 && in.submission().parameters().b1().bitLength() < 63) {
            ResidueExchange.linkOnSubmit(h, compositeId, attemptId, in.submission().clientId(),
                    in.submission().parameters().b1().longValueExact(), in.parametrization(), now);
        }
        int added = 0;
        for (BigInteger part : state.base()) {
            if (known.factors().containsKey(part)) {
                continue;
            }
            h.createUpdate("""
                            INSERT INTO factors (composite_id, factor, factor_sha256, prime, sigma, attempt_id, client_id, found_at)
                            VALUES (:c, :f, :sha, :prime, :sigma, :a, :client, :now)""")
                    .bind("c", compositeId).bind("f", part.toString()).bind("sha", sha256(part.toString()))
                    .bind("prime", all.get(part).column()).bind("sigma", in.sigmaFor(part))
                    .bind("a", attemptId).bind("client", in.submission().clientId()).bind("now", now).execute();
            added++;
        }
        if (added > 0) {
            h.createUpdate("""
                            UPDATE composites SET cofactor = :cof, cofactor_sha256 = :sha, cofactor_prime = :prime, status = :status,
                              updated_at = :now
                            WHERE id = :id""")
                    .bind("cof", state.cofactor().toString()).bind("sha", sha256(state.cofactor().toString()))
                    .bind("prime", state.cofactor().equals(BigInteger.ONE) ? null : all.get(state.cofactor()).column())
                    .bind("status", state.fullyFactored() ? "fully_factored" : "composite")
                    .bind("now", now).bind("id", compositeId).execute();
        }
        String status = added > 0 ? "new_factor" : in.factors().isEmpty() ? "no_factor" : "known_factor";
        String message = "Result logged successfully" + (in.trivialFactors() > 0 ? "; " + in.trivialFactors()
                + " trivial factor(s) (1 or the number itself) skipped" : "");
        return new SubmitOutcome(attemptId, compositeId, known.number(), status, message);
    }

    private static SubmitOutcome duplicate(Handle h, long attemptId, long compositeId, String message) {
        String number = h.createQuery("SELECT number FROM composites WHERE id = :id").bind("id", compositeId).mapTo(String.class).one();
        return new SubmitOutcome(attemptId, compositeId, new BigInteger(number), "duplicate", message);
    }

    private static long insertAttempt(Handle h, long compositeId, Intake in, OffsetDateTime now) {
        var s = in.submission();
        var p = s.parameters();
        return h.createUpdate("""
                        INSERT INTO attempts (composite_id, submission_id, client_id, project, method, program, program_version,
                          b1, b2, curves_requested, curves_completed, parametrization, sigma, execution_time, raw_output,
                          created_at, work_hash, content_sha256, stage1_curves, stage2_curves, b2_default)
                        VALUES (:c, :sub, :client, :project, :method, :program, :version, :b1, :b2, :curves, :done, :param,
                          :sigma, :time, :raw, :now, :work, :content, :stage1, :stage2, :b2default)""")
                .bind("c", compositeId).bind("sub", s.submissionId()).bind("client", s.clientId())
                .bind("project", s.project()).bind("method", s.method()).bind("program", s.program())
                .bind("version", s.programVersion()).bind("b1", new BigDecimal(p.b1()))
                .bind("b2", p.b2() == null ? null : new BigDecimal(p.b2())).bind("curves", p.curves())
                .bind("done", s.results().curvesCompleted()).bind("param", in.parametrization()).bind("sigma", p.sigma())
                .bind("time", s.results().executionTime()).bind("raw", s.rawOutput()).bind("now", now)
                .bind("work", in.workHash()).bind("content", in.contentHash())
                .bind("stage1", in.stage1Curves()).bind("stage2", in.stage2Curves()).bind("b2default", p.b2() == null)
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
    }

    /** The composite whose number or current cofactor is {@code number} (the oldest such), locked if asked. */
    private static Optional<Long> find(Handle h, BigInteger number, boolean lock) {
        String sha = sha256(number.toString());
        Optional<Long> id = h.createQuery("SELECT id FROM composites WHERE number_sha256 = :sha").bind("sha", sha)
                .mapTo(Long.class).findOne();
        if (id.isEmpty()) {
            id = h.createQuery("SELECT MIN(id) FROM composites WHERE cofactor_sha256 = :sha").bind("sha", sha)
                    .mapTo(Long.class).findOne();
        }
        if (id.isPresent() && lock) {
            h.createQuery("SELECT id FROM composites WHERE id = :id FOR UPDATE").bind("id", id.get()).mapTo(Long.class).one();
        }
        return id;
    }

    private static long insertComposite(Handle h, BigInteger number, String project, Verdict verdict, OffsetDateTime now) {
        String text = number.toString();
        return h.createUpdate("""
                        INSERT INTO composites (number, number_sha256, digits, project, cofactor, cofactor_sha256, cofactor_prime,
                          number_prime, status, created_at, updated_at)
                        VALUES (:n, :sha, :digits, :project, :n, :sha, :prime, :numberPrime, :status, :now, :now)""")
                .bind("prime", verdict.column()).bind("numberPrime", verdict == Verdict.PRIME)
                .bind("n", text).bind("sha", sha256(text)).bind("digits", text.length()).bind("project", project)
                .bind("status", verdict == Verdict.PRIME ? "fully_factored" : "composite").bind("now", now)
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
    }

    /**
     * Adds numbers for a project, in order; a number already known (as a composite or as another one's current
     * cofactor) is left as it is and reported.
     *
     * @param target the admin's target t-level for the new composites, or null for the default
     */
    UploadOutcome upload(String project, Map<BigInteger, NewComposite> numbers, Double target) {
        return retryingOnConflict(() -> jdbi.inTransaction(TransactionIsolationLevel.READ_COMMITTED, h -> {
            OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
            List<Long> added = new ArrayList<>();
            List<BigInteger> known = new ArrayList<>();
            for (var n : numbers.entrySet()) {
                if (find(h, n.getKey(), false).isPresent()) {
                    known.add(n.getKey());
                } else {
                    long id = insertComposite(h, n.getKey(), project, n.getValue().verdict(), now);
                    h.createUpdate("UPDATE composites SET target_t_level = :t, priority = :p, snfs_difficulty = :snfs WHERE id = :id")
                            .bind("t", target).bind("p", n.getValue().priority()).bind("snfs", n.getValue().snfsDifficulty())
                            .bind("id", id).execute();
                    added.add(id);
                }
            }
            return new UploadOutcome(added, known);
        }));
    }

    /** A number to add: its primality verdict, SNFS difficulty (or null) and queue priority. */
    record NewComposite(Verdict verdict, Integer snfsDifficulty, int priority) {
    }

    /** An admin's change to a composite's queue settings; a field not {@code set} stays as it is. */
    record QueueChange(boolean setTarget, Double target, boolean setSnfs, Integer snfsDifficulty, Integer priority) {
    }

    /** Applies the change; the id of the composite, empty when the number is not known. */
    Optional<Long> change(BigInteger number, QueueChange change) {
        return jdbi.inTransaction(TransactionIsolationLevel.READ_COMMITTED, h -> {
            Optional<Long> id = h.createQuery("SELECT id FROM composites WHERE number_sha256 = :sha FOR UPDATE")
                    .bind("sha", sha256(number.toString())).mapTo(Long.class).findOne();
            id.ifPresent(i -> {
                if (change.setTarget()) {
                    h.createUpdate("UPDATE composites SET target_t_level = :t WHERE id = :id").bind("t", change.target()).bind("id", i).execute();
                }
                if (change.setSnfs()) {
                    h.createUpdate("UPDATE composites SET snfs_difficulty = :s WHERE id = :id").bind("s", change.snfsDifficulty()).bind("id", i).execute();
                }
                if (change.priority() != null) {
                    h.createUpdate("UPDATE composites SET priority = :p WHERE id = :id").bind("p", change.priority()).bind("id", i).execute();
                }
            });
            return id;
        });
    }

    /** One page of composites, oldest first: five queries whatever the page size. */
    Page list(String project, String status, int limit, int offset) {
        return jdbi.withHandle(h -> {
            String where = " WHERE 1 = 1" + (project != null ? " AND project = :project" : "") + (status != null ? " AND status = :status" : "");
            var count = h.createQuery("SELECT COUNT(*) FROM composites" + where);
            var rows = h.createQuery("SELECT " + COLUMNS + " FROM composites" + where
                    + " ORDER BY id LIMIT :limit OFFSET :offset").bind("limit", limit).bind("offset", offset);
            if (project != null) {
                count.bind("project", project);
                rows.bind("project", project);
            }
            if (status != null) {
                count.bind("status", status);
                rows.bind("status", status);
            }
            long total = count.mapTo(Long.class).one();
            List<Map<String, Object>> page = rows.mapToMap().list();
            return new Page(views(h, page), total, limit, offset);
        });
    }

    Optional<CompositeView> find(BigInteger number) {
        return jdbi.withHandle(h -> {
            List<Map<String, Object>> row = h.createQuery("SELECT " + COLUMNS + " FROM composites WHERE number_sha256 = :sha")
                    .bind("sha", sha256(number.toString())).mapToMap().list();
            return views(h, row).stream().findFirst();
        });
    }

    /** The views of the given composite rows: three queries for any number of rows. */
    private static List<CompositeView> views(Handle h, List<Map<String, Object>> rows) {
        if (rows.isEmpty()) {
            return List.of();
        }
        List<Long> ids = rows.stream().map(r -> ((Number) r.get("id")).longValue()).toList();
        Map<Long, List<FactorView>> factors = new HashMap<>();
        h.createQuery("""
                        SELECT composite_id, factor, prime, sigma, client_id, found_at FROM factors
                        WHERE composite_id IN (<ids>) ORDER BY id""")
                .bindList("ids", ids)
                .map((rs, ctx) -> Map.entry(rs.getLong("composite_id"), new FactorView(rs.getString("factor"),
                        (Boolean) rs.getObject("prime"), rs.getString("sigma"), rs.getString("client_id"),
                        rs.getObject("found_at", OffsetDateTime.class))))
                .forEach(e -> factors.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
        Map<Long, Long> attempts = new HashMap<>();
        Map<Long, OffsetDateTime> last = new HashMap<>();
        h.createQuery("SELECT composite_id, COUNT(*) AS n, MAX(created_at) AS t FROM attempts WHERE composite_id IN (<ids>)"
                        + " GROUP BY composite_id")
                .bindList("ids", ids).map((rs, ctx) -> {
                    attempts.put(rs.getLong(1), rs.getLong(2));
                    last.put(rs.getLong(1), rs.getObject(3, OffsetDateTime.class));
                    return rs.getLong(1);
                }).list();
        Map<Long, List<EffortView>> effort = new HashMap<>();
        h.createQuery("""
                        SELECT composite_id, b1, b2, SUM(curves_completed) AS curves FROM attempts
                        WHERE composite_id IN (<ids>) AND method = 'ecm' GROUP BY composite_id, b1, b2
                        ORDER BY composite_id, b1, b2""")
                .bindList("ids", ids)
                .map((rs, ctx) -> Map.entry(rs.getLong("composite_id"), new EffortView(rs.getBigDecimal("b1").toBigIntegerExact(),
                        rs.getBigDecimal("b2") == null ? null : rs.getBigDecimal("b2").toBigIntegerExact(), rs.getLong("curves"))))
                .forEach(e -> effort.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
        List<CompositeView> out = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            long id = ((Number) r.get("id")).longValue();
            out.add(new CompositeView(id, (String) r.get("number"), ((Number) r.get("digits")).intValue(),
                    (String) r.get("project"), (String) r.get("status"), (String) r.get("cofactor"),
                    factors.getOrDefault(id, List.of()), attempts.getOrDefault(id, 0L), effort.getOrDefault(id, List.of()),
                    queue(r, last.get(id))));
        }
        return out;
    }

    private static QueueView queue(Map<String, Object> r, OffsetDateTime lastAttempt) {
        Number target = (Number) r.get("target_t_level");
        Number snfs = (Number) r.get("snfs_difficulty");
        Number nextB1 = (Number) r.get("next_b1");
        Integer snfsDigits = snfs == null ? null : snfs.intValue();
        double effective = target != null ? target.doubleValue()
                : TLevelBook.defaultTarget(((String) r.get("cofactor")).length(), snfsDigits);
        return new QueueView(((Number) r.get("t_level")).doubleValue(), effective, target != null, snfsDigits,
                ((Number) r.get("priority")).intValue(), nextB1 == null ? null : nextB1.longValue(),
                ((Number) r.get("curves_to_target")).longValue(), lastAttempt);
    }

    /** Runs {@code work}, again when it lost a race (unique key, serialization, deadlock, lock timeout). */
    static <T> T retryingOnConflict(Supplier<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return work.get();
            } catch (JdbiException e) {
                if (attempt >= RETRIES || !isConflict(e)) {
                    throw e;
                }
            }
        }
    }

    /** Unique-key violation (another transaction created the same row first) or a serialization/deadlock abort. */
    private static boolean isConflict(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().equals("23505") || sql.getSQLState().startsWith("40") || sql.getSQLState().equals("HYT00"))) {
                return true;
            }
        }
        return false;
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
