package org.ecmpipe.server;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * Work leases: some curves of a composite's current cofactor held by one client until it completes, abandons, or
 * stops heartbeating. Correct from the database alone, for any number of server processes: a lease is granted while
 * holding its composite's row lock ({@code SELECT ... FOR UPDATE}, {@code SKIP LOCKED} first on PostgreSQL so
 * concurrent leasers spread over composites), and the curves still free are counted in a fresh statement under that
 * lock, so the leased curves (with the stage-1 residues waiting for their stage 2) never exceed what the composite's
 * t-level gap needs ({@code curves_to_target}).
 * Expiry is read from timestamps: a lease past {@code expires_at} simply stops counting; nothing has to clean up.
 * A factor found changes the composite's cofactor: leases on the old one stop counting and are cancelled at their
 * next heartbeat.
 */
final class WorkLeases {

    /** A granted lease: what to run. {@code b2} null = ecm's default B2 for B1 (what the t-level credit assumes). */
    record Lease(String id, long compositeId, String composite, int digits, double tLevel, double target, long b1,
                 int curves, int param, OffsetDateTime expiresAt) {
    }

    /** The filters of a lease request. */
    record Request(String clientId, int maxCurves, int param, Integer minDigits, Integer maxDigits, Integer minPriority) {
    }

    /** A lease's state after a heartbeat, completion or abandonment. */
    record State(String id, String status, int curvesCompleted, OffsetDateTime expiresAt) {
    }

    /**
     * What is on its way across the fleet, for workers deciding whether to wait: live leases, composites with curves
     * still to lease, residues waiting for stage 2 and residues under a live claim.
     */
    record Pending(long activeLeases, long leasableComposites, long availableResidues, long claimedResidues) {
    }

    private static final int CANDIDATES = 32;
    /**
     * The curves of composite {@code c} already on their way: live leases on its current cofactor, and stage-1
     * residues waiting for stage 2 (their B2 = 0 credit is in the t-level, their stage-2 credit is to come).
     */
    private static final String PENDING = "((SELECT COALESCE(SUM(l.curves), 0) FROM work_leases l WHERE l.composite_id = c.id"
            + " AND l.status = 'active' AND l.expires_at > :now AND l.cofactor_sha256 = c.cofactor_sha256)"
            + " + (SELECT COALESCE(SUM(r.curve_count), 0) FROM residues r WHERE r.composite_id = c.id"
            + " AND r.status IN ('available', 'claimed') AND r.expires_at > :now))";

    private final Jdbi jdbi;
    private final Clock clock;
    private final Duration leaseTime;
    private final boolean skipLocked;

    WorkLeases(Jdbi jdbi, Clock clock, Duration leaseTime, boolean skipLocked) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.leaseTime = leaseTime;
        this.skipLocked = skipLocked;
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }

    /** What is pending now (one read-only transaction). */
    Pending pending() {
        return jdbi.inTransaction(TransactionIsolationLevel.READ_COMMITTED, h -> {
            OffsetDateTime now = now();
            // a lease taken before another factor changed the cofactor still counts until its next heartbeat cancels
            // it: its stage 1 may finish first and upload residues, which a stage-2 worker waiting for them must see
            long active = h.createQuery("""
                            SELECT COUNT(*) FROM work_leases l JOIN composites c ON c.id = l.composite_id
                            WHERE l.status = 'active' AND l.expires_at > :now AND c.status = 'composite'""")
                    .bind("now", now).mapTo(Long.class).one();
            long leasable = h.createQuery("SELECT COUNT(*) FROM composites c WHERE c.status = 'composite'"
                    + " AND c.next_b1 IS NOT NULL AND c.curves_to_target > " + PENDING).bind("now", now).mapTo(Long.class).one();
            long available = h.createQuery("""
                            SELECT COUNT(*) FROM residues r JOIN composites c ON c.id = r.composite_id
                            WHERE c.status = 'composite' AND r.expires_at > :now
                              AND (r.status = 'available' OR (r.status = 'claimed' AND r.claim_expires_at <= :now))""")
                    .bind("now", now).mapTo(Long.class).one();
            long claimed = h.createQuery("""
                            SELECT COUNT(*) FROM residues r JOIN composites c ON c.id = r.composite_id
                            WHERE c.status = 'composite' AND r.expires_at > :now AND r.status = 'claimed'
                              AND r.claim_expires_at > :now""").bind("now", now).mapTo(Long.class).one();
            return new Pending(active, leasable, available, claimed);
        });
    }

    /** Leases the first composite (priority, then age) whose gap has curves left; empty when none has. */
    Optional<Lease> take(Request request) {
        return ResultStore.retryingOnConflict(() -> takeOnce(request));
    }

    private Optional<Lease> takeOnce(Request request) {
        return jdbi.inTransaction(TransactionIsolationLevel.READ_COMMITTED, h -> {
            OffsetDateTime now = now();
            List<Long> tried = new ArrayList<>();
            for (int pass = skipLocked ? 0 : 1; pass < 2; pass++) {
                while (tried.size() < CANDIDATES) {
                    Optional<Long> id = candidate(h, request, now, tried, pass == 0 ? " FOR UPDATE SKIP LOCKED" : " FOR UPDATE");
                    if (id.isEmpty()) {
                        break;
                    }
                    tried.add(id.get());
                    Optional<Lease> lease = grant(h, id.get(), request, now);
                    if (lease.isPresent()) {
                        return lease;
                    }
                }
            }
            return Optional.<Lease>empty();
        });
    }

    private Optional<Long> candidate(Handle h, Request r, OffsetDateTime now, List<Long> tried, String lock) {
        StringBuilder sql = new StringBuilder("SELECT c.id FROM composites c WHERE c.status = 'composite' AND c.curves_to_target > "
                + PENDING);
        if (!tried.isEmpty()) {
            sql.append(" AND c.id NOT IN (<tried>)");
        }
        if (r.minDigits() != null) {
            sql.append(" AND c.digits >= :minDigits");
        }
        if (r.maxDigits() != null) {
            sql.append(" AND c.digits <= :maxDigits");
        }
        if (r.minPriority() != null) {
            sql.append(" AND c.priority >= :minPriority");
        }
        sql.append(" ORDER BY c.priority DESC, c.id LIMIT 1").append(lock);
        var q = h.createQuery(sql.toString()).bind("now", now);
        if (!tried.isEmpty()) {
            q.bindList("tried", tried);
        }
        if (r.minDigits() != null) {
            q.bind("minDigits", r.minDigits());
        }
        if (r.maxDigits() != null) {
            q.bind("maxDigits", r.maxDigits());
        }
        if (r.minPriority() != null) {
            q.bind("minPriority", r.minPriority());
        }
        return q.mapTo(Long.class).findOne();
    }

    /** Under the composite's row lock: counts the curves held now (a fresh statement sees every committed lease). */
    private Optional<Lease> grant(Handle h, long compositeId, Request r, OffsetDateTime now) {
        Map<String, Object> c = h.createQuery("""
                        SELECT id, cofactor, cofactor_sha256, status, t_level, target_t_level, snfs_difficulty, next_b1,
                          curves_to_target FROM composites WHERE id = :id""").bind("id", compositeId).mapToMap().one();
        long held = h.createQuery("SELECT " + PENDING + " FROM composites c WHERE c.id = :id")
                .bind("id", compositeId).bind("now", now).mapTo(Long.class).one();
        long free = ((Number) c.get("curves_to_target")).longValue() - held;
        if (!"composite".equals(c.get("status")) || free <= 0 || c.get("next_b1") == null) {
            return Optional.empty();
        }
        int curves = (int) Math.min(free, r.maxCurves());
        String id = UUID.randomUUID().toString();
        long b1 = ((Number) c.get("next_b1")).longValue();
        OffsetDateTime expires = now.plus(leaseTime);
        h.createUpdate("""
                        INSERT INTO work_leases (id, composite_id, cofactor_sha256, client_id, b1, b2, curves, parametrization,
                          status, leased_at, expires_at)
                        VALUES (:id, :c, :sha, :client, :b1, NULL, :curves, :param, 'active', :now, :expires)""")
                .bind("id", id).bind("c", compositeId).bind("sha", (String) c.get("cofactor_sha256")).bind("client", r.clientId())
                .bind("b1", b1).bind("curves", curves).bind("param", r.param()).bind("now", now)
                .bind("expires", expires).execute();
        String cofactor = (String) c.get("cofactor");
        Number target = (Number) c.get("target_t_level");
        Number snfs = (Number) c.get("snfs_difficulty");
        double effective = target != null ? target.doubleValue()
                : TLevelBook.defaultTarget(cofactor.length(), snfs == null ? null : snfs.intValue());
        return Optional.of(new Lease(id, compositeId, cofactor, cofactor.length(), ((Number) c.get("t_level")).doubleValue(),
                effective, b1, curves, r.param(), expires));
    }

    /**
     * A heartbeat: records progress and extends the lease; a lease whose composite has a new cofactor (a factor was
     * found) or is done becomes {@code cancelled}; one past its expiry becomes {@code expired} (its curves may have
     * been leased again). Empty when the lease is unknown or another client's.
     */
    Optional<State> progress(String id, String clientId, Integer curvesCompleted, String message) {
        return jdbi.inTransaction(TransactionIsolationLevel.READ_COMMITTED, h -> {
            OffsetDateTime now = now();
            Optional<Map<String, Object>> lease = lock(h, id, clientId);
            if (lease.isEmpty()) {
                return Optional.<State>empty();
            }
            Map<String, Object> l = lease.get();
            String status = (String) l.get("status");
            int done = ((Number) l.get("curves_completed")).intValue();
            OffsetDateTime expires = h.createQuery("SELECT expires_at FROM work_leases WHERE id = :id")
                    .bind("id", id).mapTo(OffsetDateTime.class).one();
            if (!"active".equals(status)) {
                return Optional.of(new State(id, status, done, expires));
            }
            Map<String, Object> c = h.createQuery("SELECT cofactor_sha256, status FROM composites WHERE id = :id")
                    .bind("id", l.get("composite_id")).mapToMap().one();
            String next;
            if (!c.get("cofactor_sha256").equals(l.get("cofactor_sha256")) || !"composite".equals(c.get("status"))) {
                next = "cancelled";
            } else if (!expires.isAfter(now)) {
                next = "expired";
            } else {
                next = "active";
                expires = now.plus(leaseTime);
            }
            if (curvesCompleted != null) {
                done = Math.max(done, curvesCompleted);
            }
            h.createUpdate("""
                            UPDATE work_leases SET status = :status, curves_completed = :done, progress_message = :message,
                              last_progress_at = :now, expires_at = :expires, finished_at = :finished, reason = :reason
                            WHERE id = :id""")
                    .bind("status", next).bind("done", done).bind("message", message).bind("now", now).bind("expires", expires)
                    .bind("finished", "active".equals(next) ? null : now)
                    .bind("reason", "cancelled".equals(next) ? "a factor was found: the composite's cofactor changed"
                            : "expired".equals(next) ? "no heartbeat before the lease expired" : null)
                    .bind("id", id).execute();
            return Optional.of(new State(id, next, done, expires));
        });
    }

    /** Ends an active (or expired) lease as {@code completed} or {@code abandoned}; empty when unknown or another's. */
    Optional<State> finish(String id, String clientId, String status, String reason) {
        return jdbi.inTransaction(TransactionIsolationLevel.READ_COMMITTED, h -> {
            Optional<Map<String, Object>> lease = lock(h, id, clientId);
            if (lease.isEmpty()) {
                return Optional.<State>empty();
            }
            String current = (String) lease.get().get("status");
            int done = ((Number) lease.get().get("curves_completed")).intValue();
            if ("active".equals(current) || "expired".equals(current)) {
                h.createUpdate("UPDATE work_leases SET status = :s, finished_at = :now, reason = :r WHERE id = :id")
                        .bind("s", status).bind("now", now()).bind("r", reason).bind("id", id).execute();
                current = status;
            }
            return Optional.of(new State(id, current, done, null));
        });
    }

    /** The lease row, locked; empty when unknown or held by another client (a null client matches any). */
    private static Optional<Map<String, Object>> lock(Handle h, String id, String clientId) {
        return h.createQuery("SELECT id, composite_id, cofactor_sha256, client_id, status, curves_completed, expires_at"
                        + " FROM work_leases WHERE id = :id FOR UPDATE")
                .bind("id", id).mapToMap().findOne()
                .filter(l -> clientId == null || clientId.equals(l.get("client_id")));
    }
}
