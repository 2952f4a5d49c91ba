package org.ecmpipe.bench.fleet;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The check after the run, against the database itself (not the servers' answers).
 *
 * <p><b>Double lease</b>, two kinds, both violations: (1) one work id handed to two workers (client side: every
 * answer's work_id; database side: the lease row's client is the worker that got it); (2) a composite over-leased: at
 * the moment a lease was granted, the curves of the other leases then live on the same cofactor plus the curves of its
 * residues waiting for stage 2, plus this lease's curves, exceed the composite's {@code curves_to_target} at that
 * moment. The moment of each grant and the {@code curves_to_target} the granting transaction saw are recorded by a
 * trigger this benchmark installs on its own database ({@code fleet_grants}, {@code fleet_residues}: the database's
 * clock_timestamp() inside the granting transaction, while it holds the composite's row lock, so grants on one
 * composite are in lock order). A lease is live from its grant until min(expires_at, finished_at): heartbeats only
 * extend a lease that has not lapsed, so that is one interval. This is conservative: a lease whose finish or expiry
 * raced with a grant counts as not live, never the other way round.
 *
 * <p><b>Lost result</b>: a submission answered 2xx that is not stored exactly once as the attempt the answer named,
 * with the composite, B1 and curves sent; <b>credited twice</b>: an attempt no worker sent, two stage-2 attempts on one
 * residue, a stage-1 attempt with more stage-2 credit moved off it than it has curves, or an acknowledged residue
 * upload stored other than once.
 */
final class FleetAudit {
    private FleetAudit() {
    }

    /** The grant and residue audit (the server's own tables must exist: call after a server started). */
    static void install(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("""
                    CREATE TABLE IF NOT EXISTS fleet_grants (lease_id VARCHAR(36) PRIMARY KEY, composite_id BIGINT NOT NULL,
                      curves_to_target BIGINT NOT NULL, granted_at TIMESTAMP WITH TIME ZONE NOT NULL)""");
            s.execute("""
                    CREATE TABLE IF NOT EXISTS fleet_residues (residue_id BIGINT PRIMARY KEY,
                      created_at TIMESTAMP WITH TIME ZONE NOT NULL)""");
            s.execute("""
                    CREATE OR REPLACE FUNCTION fleet_grant() RETURNS trigger AS $$
                    BEGIN
                      INSERT INTO fleet_grants SELECT NEW.id, NEW.composite_id, c.curves_to_target, clock_timestamp()
                        FROM composites c WHERE c.id = NEW.composite_id;
                      RETURN NEW;
                    END $$ LANGUAGE plpgsql""");
            s.execute("""
                    CREATE OR REPLACE FUNCTION fleet_residue() RETURNS trigger AS $$
                    BEGIN
                      INSERT INTO fleet_residues VALUES (NEW.id, clock_timestamp());
                      RETURN NEW;
                    END $$ LANGUAGE plpgsql""");
            s.execute("DROP TRIGGER IF EXISTS fleet_grant ON work_leases");
            s.execute("CREATE TRIGGER fleet_grant AFTER INSERT ON work_leases FOR EACH ROW EXECUTE FUNCTION fleet_grant()");
            s.execute("DROP TRIGGER IF EXISTS fleet_residue ON residues");
            s.execute("CREATE TRIGGER fleet_residue AFTER INSERT ON residues FOR EACH ROW EXECUTE FUNCTION fleet_residue()");
        }
    }

    private record Held(long compositeId, String cofactor, long start, long end, int curves, String id, long capacity) {
    }

    /** Every violation found (empty = correct); notes (not violations) are printed. */
    static List<String> check(Connection c, FleetLog log, String run) throws SQLException {
        List<String> violations = new ArrayList<>();
        log.doubleHanded.forEach(d -> violations.add("lease " + d.workId() + " handed to " + d.first() + " and to " + d.second()));
        checkLeases(c, log, violations);
        checkSubmissions(c, log, run, violations);
        checkResidues(c, log, violations);
        return violations;
    }

    private static long micros(OffsetDateTime t) {
        return t == null ? Long.MAX_VALUE : ChronoUnit.MICROS.between(OffsetDateTime.parse("2000-01-01T00:00:00Z"), t);
    }

    private static void checkLeases(Connection c, FleetLog log, List<String> violations) throws SQLException {
        Map<String, String> clients = new HashMap<>();
        Map<Long, List<Held>> byComposite = new HashMap<>();
        int unaudited = 0;
        long now = micros(OffsetDateTime.now());
        int lapsed = 0;
        java.util.Set<String> lapsedIds = new java.util.HashSet<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("""
                SELECT l.id, l.client_id, l.composite_id, l.cofactor_sha256, l.curves, l.expires_at, l.finished_at, l.status,
                  g.curves_to_target, g.granted_at FROM work_leases l LEFT JOIN fleet_grants g ON g.lease_id = l.id""")) {
            while (r.next()) {
                clients.put(r.getString(1), r.getString(2));
                if (r.getObject(10) == null) {
                    unaudited++;
                    continue;
                }
                long end = Math.min(micros(r.getObject(6, OffsetDateTime.class)), micros(r.getObject(7, OffsetDateTime.class)));
                if ("expired".equals(r.getString(8)) || "active".equals(r.getString(8)) && end < now) {
                    lapsed++;
                    lapsedIds.add(r.getString(1));
                }
                byComposite.computeIfAbsent(r.getLong(3), k -> new ArrayList<>()).add(new Held(r.getLong(3), r.getString(4),
                        micros(r.getObject(10, OffsetDateTime.class)), end, r.getInt(5), r.getString(1), r.getLong(9)));
            }
        }
        if (unaudited > 0) {
            violations.add(unaudited + " leases granted without the audit trigger (installed too late?): cannot check them");
        }
        for (FleetLog.Lease l : log.leases.values()) {
            String owner = clients.get(l.workId());
            if (owner == null) {
                violations.add("lease " + l.workId() + " given to " + l.client() + " is not in the database");
            } else if (!owner.equals(l.client())) {
                violations.add("lease " + l.workId() + " given to " + l.client() + " is " + owner + "'s in the database");
            }
        }
        Map<Long, List<Held>> residues = new HashMap<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("""
                SELECT r.id, r.composite_id, r.curve_count, r.completed_at, r.expires_at, a.created_at
                FROM residues r JOIN fleet_residues a ON a.residue_id = r.id""")) {
            while (r.next()) {
                long end = Math.min(micros(r.getObject(4, OffsetDateTime.class)), micros(r.getObject(5, OffsetDateTime.class)));
                residues.computeIfAbsent(r.getLong(2), k -> new ArrayList<>()).add(new Held(r.getLong(2), null,
                        micros(r.getObject(6, OffsetDateTime.class)), end, r.getInt(3), "residue " + r.getLong(1), 0));
            }
        }
        int grants = 0;
        int over = 0;
        int filled = 0;
        long maxHeld = 0;
        for (List<Held> leases : byComposite.values()) {
            for (Held g : leases) {
                grants++;
                long held = 0;
                for (Held l : leases) {
                    if (l != g && l.cofactor().equals(g.cofactor()) && l.start() < g.start() && l.end() > g.start()) {
                        held += l.curves();
                    }
                }
                for (Held r : residues.getOrDefault(g.compositeId(), List.of())) {
                    if (r.start() < g.start() && r.end() > g.start()) {
                        held += r.curves();
                    }
                }
                maxHeld = Math.max(maxHeld, held + g.curves());
                if (held + g.curves() == g.capacity()) {
                    filled++;
                }
                if (held + g.curves() > g.capacity()) {
                    over++;
                    if (over <= 10) {
                        violations.add("composite " + g.compositeId() + " over-leased by lease " + g.id() + ": " + held
                                + " curves held + " + g.curves() + " granted > curves_to_target " + g.capacity());
                    }
                }
            }
        }
        if (over > 10) {
            violations.add((over - 10) + " more over-leased grants");
        }
        long redone = 0;
        for (List<Held> leases : byComposite.values()) {
            for (Held l : leases) {
                if (lapsedIds.contains(l.id()) && leases.stream().anyMatch(o -> o.start() > l.end())) {
                    redone++;
                }
            }
        }
        System.out.printf("fleet: audit: %d grants checked against curves_to_target at their grant (%d took the last free"
                + " curves of the gap; largest held incl. the grant: %d curves), %d leases in the database for %d answered;"
                + " %d leases lapsed without a finish (vanished workers), %d of them on composites leased again after"
                + " the lapse%n", grants, filled, maxHeld, clients.size(), log.leases.size(), lapsed, redone);
    }

    private static void checkSubmissions(Connection c, FleetLog log, String run, List<String> violations) throws SQLException {
        record Row(long id, long compositeId, long b1, int curves) {
        }
        Map<String, Row> stored = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT submission_id, id, composite_id, b1, curves_completed FROM attempts WHERE submission_id LIKE ?""")) {
            s.setString(1, "fleet-" + run + "-%");
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    if (stored.put(r.getString(1), new Row(r.getLong(2), r.getLong(3), r.getLong(4), r.getInt(5))) != null) {
                        violations.add("submission " + r.getString(1) + " stored twice");
                    }
                }
            }
        }
        int lost = 0;
        for (FleetLog.Acked a : log.acked) {
            Row row = stored.get(a.submissionId());
            if (row == null || row.id() != a.attemptId() || row.compositeId() != a.compositeId() || row.b1() != a.b1()
                    || row.curves() != a.curves()) {
                if (++lost <= 10) {
                    violations.add("acknowledged submission " + a.submissionId() + " (attempt " + a.attemptId() + ") "
                            + (row == null ? "is not stored" : "is stored as " + row));
                }
            }
        }
        if (lost > 10) {
            violations.add((lost - 10) + " more acknowledged submissions lost");
        }
        long phantom = stored.keySet().stream().filter(id -> !log.sent.containsKey(id)).count();
        if (phantom > 0) {
            violations.add(phantom + " attempts stored under submission ids no worker sent");
        }
        java.util.Set<String> ackedIds = new java.util.HashSet<>();
        log.acked.forEach(a -> ackedIds.add(a.submissionId()));
        long unanswered = stored.keySet().stream().filter(id -> !ackedIds.contains(id)).count();
        System.out.printf("fleet: audit: %d submissions acknowledged, %d stored (%d stored without an answer: sent when a"
                + " server died, never retried to an answer), %d sent without any answer%n",
                log.acked.size(), stored.size(), unanswered, log.unresolved.size());
    }

    private static void checkResidues(Connection c, FleetLog log, List<String> violations) throws SQLException {
        Map<String, Integer> byChecksum = new HashMap<>();
        Map<Long, Long> stage2Of = new HashMap<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT checksum, id, stage2_attempt_id FROM residues")) {
            while (r.next()) {
                byChecksum.merge(r.getString(1).strip(), 1, Integer::sum);
                if (r.getObject(3) != null) {
                    stage2Of.put(r.getLong(2), r.getLong(3));
                }
            }
        }
        for (FleetLog.Upload u : log.uploads) {
            int n = byChecksum.getOrDefault(u.checksum(), 0);
            if (n != 1) {
                violations.add("acknowledged residue upload " + u.checksum().substring(0, 12) + " stored " + n + " times");
            }
        }
        for (FleetLog.Stage2 s2 : log.stage2) {
            Long attempt = stage2Of.get(s2.residueId());
            if (attempt == null || attempt != s2.stage2AttemptId()) {
                violations.add("residue " + s2.residueId() + " completed with attempt " + s2.stage2AttemptId() + " by " + s2.client()
                        + " but the database says " + attempt);
            }
        }
        try (Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT residue_id, COUNT(*) FROM attempts WHERE residue_id IS NOT NULL"
                    + " GROUP BY residue_id HAVING COUNT(*) > 1")) {
                while (r.next()) {
                    violations.add("residue " + r.getLong(1) + " credited to " + r.getLong(2) + " stage-2 attempts");
                }
            }
            try (ResultSet r = s.executeQuery("SELECT id, stage1_curves, stage2_credited FROM attempts WHERE stage2_credited > stage1_curves")) {
                while (r.next()) {
                    violations.add("attempt " + r.getLong(1) + " has " + r.getLong(3) + " curves' stage-2 credit moved off its "
                            + r.getLong(2) + " stage-1 curves");
                }
            }
            try (ResultSet r = s.executeQuery("SELECT stage1_attempt_id, COUNT(*) FROM residues GROUP BY stage1_attempt_id HAVING COUNT(*) > 1")) {
                while (r.next()) {
                    violations.add("stage-1 attempt " + r.getLong(1) + " carries " + r.getLong(2) + " residue files");
                }
            }
            try (ResultSet r = s.executeQuery("""
                    SELECT r.id, r.curve_count, SUM(a.stage2_curves) FROM residues r JOIN attempts a ON a.residue_id = r.id
                    GROUP BY r.id, r.curve_count HAVING SUM(a.stage2_curves) > r.curve_count""")) {
                while (r.next()) {
                    violations.add("residue " + r.getLong(1) + " of " + r.getLong(2) + " curves credited " + r.getLong(3) + " at stage 2");
                }
            }
        }
        System.out.printf("fleet: audit: %d residue uploads acknowledged, %d residues stored, %d completed by a stage 2"
                + " (%d acknowledged), %d downloads failing their SHA-256%n", log.uploads.size(),
                byChecksum.values().stream().mapToInt(Integer::intValue).sum(), stage2Of.size(), log.stage2.size(),
                log.downloadMismatches.size());
    }
}
