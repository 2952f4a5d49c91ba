package org.ecmpipe.server;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.ecmpipe.composite.Primality;
import org.ecmpipe.result.Factorization;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * Composites, their ECM attempts and their factors. A submission is one transaction that locks its composite's
 * row, so concurrent submissions for one composite are applied one after another: each stored exactly once,
 * the cofactor never updated from a stale value. A repeated {@code submission_id} stores nothing new.
 */
public final class ResultStore {

    /** How a submission was taken. */
    public record SubmitOutcome(long attemptId, long compositeId, String factorStatus, String message) {
    }

    public record FactorView(String factor, boolean prime, String sigma, String clientId, OffsetDateTime foundAt) {
    }

    public record EffortView(BigInteger b1, BigInteger b2, long curves) {
    }

    public record CompositeView(long id, String composite, int digits, String project, String status, String cofactor,
                                List<FactorView> factors, long attemptCount, List<EffortView> curvesByB1) {
    }

    public record UploadOutcome(int added, int existing) {
    }

    private static final int RETRIES = 8;
    private final Jdbi jdbi;

    public ResultStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public SubmitOutcome submit(SubmitRequest r) {
        return retryingOnConflict(() -> jdbi.inTransaction(TransactionIsolationLevel.READ_COMMITTED, h -> submitIn(h, r)));
    }

    private SubmitOutcome submitIn(Handle h, SubmitRequest r) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        long compositeId = compositeId(h, r.composite(), r.project(), now);
        lock(h, compositeId);
        if (r.submissionId() != null) {
            Optional<Long> first = h.createQuery("SELECT id FROM attempts WHERE submission_id = :s")
                    .bind("s", r.submissionId()).mapTo(Long.class).findOne();
            if (first.isPresent()) {
                return new SubmitOutcome(first.get(), compositeId, "duplicate",
                        "submission " + r.submissionId() + " was already stored as attempt " + first.get());
            }
        }
        long attemptId = h.createUpdate("""
                        INSERT INTO attempts (composite_id, submission_id, client_id, project, method, program, program_version,
                          b1, b2, curves_requested, curves_completed, parametrization, sigma, execution_time, raw_output, created_at)
                        VALUES (:c, :sub, :client, :project, :method, :program, :version, :b1, :b2, :curves, :done, :param,
                          :sigma, :time, :raw, :now)""")
                .bind("c", compositeId).bind("sub", r.submissionId()).bind("client", r.clientId())
                .bind("project", r.project()).bind("method", r.method()).bind("program", r.program())
                .bind("version", r.programVersion()).bind("b1", new BigDecimal(r.b1()))
                .bind("b2", r.b2() == null ? null : new BigDecimal(r.b2())).bind("curves", r.curves())
                .bind("done", r.curvesCompleted()).bind("param", r.parametrization()).bind("sigma", r.sigma())
                .bind("time", r.executionTime()).bind("raw", r.rawOutput()).bind("now", now)
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();

        int added = 0;
        int known = 0;
        for (SubmitRequest.SubmittedFactor f : r.factors()) {
            String text = f.factor().toString();
            boolean exists = h.createQuery("SELECT COUNT(*) FROM factors WHERE composite_id = :c AND factor_sha256 = :sha")
                    .bind("c", compositeId).bind("sha", sha256(text)).mapTo(Integer.class).one() > 0;
            if (exists) {
                known++;
                continue;
            }
            h.createUpdate("""
                            INSERT INTO factors (composite_id, factor, factor_sha256, prime, sigma, attempt_id, client_id, found_at)
                            VALUES (:c, :f, :sha, :prime, :sigma, :a, :client, :now)""")
                    .bind("c", compositeId).bind("f", text).bind("sha", sha256(text))
                    .bind("prime", Primality.isPrime(f.factor())).bind("sigma", f.sigma() != null ? f.sigma() : r.sigma())
                    .bind("a", attemptId).bind("client", r.clientId()).bind("now", now).execute();
            added++;
        }
        if (added > 0) {
            updateCofactor(h, compositeId, now);
        }
        String status = added > 0 ? "new_factor" : known > 0 ? "known_factor" : "no_factor";
        return new SubmitOutcome(attemptId, compositeId, status, "Result logged successfully");
    }

    /** The composite's id, creating its row if it is new (a concurrent creator makes us retry). */
    private long compositeId(Handle h, BigInteger number, String project, OffsetDateTime now) {
        String text = number.toString();
        Optional<Long> id = h.createQuery("SELECT id FROM composites WHERE number_sha256 = :sha")
                .bind("sha", sha256(text)).mapTo(Long.class).findOne();
        if (id.isPresent()) {
            return id.get();
        }
        return h.createUpdate("""
                        INSERT INTO composites (number, number_sha256, digits, project, cofactor, status, created_at, updated_at)
                        VALUES (:n, :sha, :digits, :project, :n, :status, :now, :now)""")
                .bind("n", text).bind("sha", sha256(text)).bind("digits", text.length()).bind("project", project)
                .bind("status", Primality.isPrime(number) ? "fully_factored" : "composite").bind("now", now)
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
    }

    private static void lock(Handle h, long compositeId) {
        h.createQuery("SELECT id FROM composites WHERE id = :id FOR UPDATE").bind("id", compositeId).mapTo(Long.class).one();
    }

    /** Recomputes the cofactor from every factor known for the composite. */
    private static void updateCofactor(Handle h, long compositeId, OffsetDateTime now) {
        String number = h.createQuery("SELECT number FROM composites WHERE id = :id").bind("id", compositeId)
                .mapTo(String.class).one();
        Factorization f = new Factorization(new BigInteger(number));
        h.createQuery("SELECT factor FROM factors WHERE composite_id = :id").bind("id", compositeId).mapTo(String.class)
                .forEach(x -> f.add(new BigInteger(x), 0, null));
        h.createUpdate("UPDATE composites SET cofactor = :cof, status = :status, updated_at = :now WHERE id = :id")
                .bind("cof", f.cofactor().toString()).bind("status", f.isComplete() ? "fully_factored" : "composite")
                .bind("now", now).bind("id", compositeId).execute();
    }

    /** Adds numbers for a project; numbers already present are left as they are. */
    public UploadOutcome upload(String project, List<BigInteger> numbers) {
        return retryingOnConflict(() -> jdbi.inTransaction(TransactionIsolationLevel.READ_COMMITTED, h -> {
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            int added = 0;
            int existing = 0;
            for (BigInteger n : numbers) {
                boolean present = h.createQuery("SELECT COUNT(*) FROM composites WHERE number_sha256 = :sha")
                        .bind("sha", sha256(n.toString())).mapTo(Integer.class).one() > 0;
                if (present) {
                    existing++;
                } else {
                    compositeId(h, n, project, now);
                    added++;
                }
            }
            return new UploadOutcome(added, existing);
        }));
    }

    public List<CompositeView> list(String project, String status) {
        return jdbi.withHandle(h -> {
            StringBuilder sql = new StringBuilder("SELECT id FROM composites WHERE 1 = 1");
            if (project != null) {
                sql.append(" AND project = :project");
            }
            if (status != null) {
                sql.append(" AND status = :status");
            }
            sql.append(" ORDER BY id");
            var q = h.createQuery(sql.toString());
            if (project != null) {
                q.bind("project", project);
            }
            if (status != null) {
                q.bind("status", status);
            }
            List<Long> ids = q.mapTo(Long.class).list();
            List<CompositeView> out = new ArrayList<>();
            for (long id : ids) {
                out.add(view(h, id));
            }
            return out;
        });
    }

    public Optional<CompositeView> find(BigInteger number) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id FROM composites WHERE number_sha256 = :sha")
                .bind("sha", sha256(number.toString())).mapTo(Long.class).findOne().map(id -> view(h, id)));
    }

    private static CompositeView view(Handle h, long id) {
        var row = h.createQuery("SELECT number, digits, project, status, cofactor FROM composites WHERE id = :id")
                .bind("id", id).mapToMap().one();
        List<FactorView> factors = h.createQuery("""
                        SELECT factor, prime, sigma, client_id, found_at FROM factors WHERE composite_id = :id ORDER BY id""")
                .bind("id", id)
                .map((rs, ctx) -> new FactorView(rs.getString("factor"), rs.getBoolean("prime"), rs.getString("sigma"),
                        rs.getString("client_id"), rs.getObject("found_at", OffsetDateTime.class)))
                .list();
        long attempts = h.createQuery("SELECT COUNT(*) FROM attempts WHERE composite_id = :id").bind("id", id)
                .mapTo(Long.class).one();
        List<EffortView> effort = h.createQuery("""
                        SELECT b1, b2, SUM(curves_completed) AS curves FROM attempts
                        WHERE composite_id = :id AND method = 'ecm' GROUP BY b1, b2 ORDER BY b1, b2""")
                .bind("id", id)
                .map((rs, ctx) -> new EffortView(rs.getBigDecimal("b1").toBigIntegerExact(),
                        rs.getBigDecimal("b2") == null ? null : rs.getBigDecimal("b2").toBigIntegerExact(), rs.getLong("curves")))
                .list();
        return new CompositeView(id, (String) row.get("number"), ((Number) row.get("digits")).intValue(),
                (String) row.get("project"), (String) row.get("status"), (String) row.get("cofactor"), factors, attempts, effort);
    }

    private <T> T retryingOnConflict(java.util.function.Supplier<T> work) {
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
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
