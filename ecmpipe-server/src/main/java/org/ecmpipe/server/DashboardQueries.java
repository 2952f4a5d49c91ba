package org.ecmpipe.server;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/**
 * What the dashboard pages read: every page is a few queries on one short-lived connection, paged in SQL
 * ({@code LIMIT/OFFSET} over an index ending in {@code id}, so the order is stable), the rows of a page completed by
 * one batched query per kind (never one per row). Nothing is computed here: t-levels of work groups, labels and
 * HTML are made by the caller after the connection is back in the pool.
 */
final class DashboardQueries {

    /** Which composites a list shows: {@code status} composite, fully_factored (split into primes) or prime. */
    record Filter(String project, String status) {
        static final List<String> STATUSES = List.of("composite", "fully_factored", "prime");

        boolean any() {
            return project == null && status == null;
        }
    }

    /**
     * A composite as a list shows it.
     *
     * @param cofactorPrime the stored verdict on the current cofactor (null: not known)
     */
    record CompositeRow(long id, String number, int digits, String project, String status, boolean numberPrime, String cofactor,
                        Boolean cofactorPrime, double tLevel, double target, boolean targetSet, int priority,
                        OffsetDateTime createdAt, OffsetDateTime updatedAt) {
        /** The number itself is prime (fully factored without a factor). */
        boolean prime() {
            return numberPrime;
        }

        boolean fullyFactored() {
            return "fully_factored".equals(status);
        }
    }

    /** A stored factor ({@code prime} null: not known). */
    record FactorRow(long compositeId, String factor, Boolean prime, String sigma, String clientId, OffsetDateTime foundAt,
                     String method, BigInteger b1, BigInteger b2, Integer param) {
    }

    /**
     * One kind of work on a composite, summed over its attempts: {@code stage1} curves ran stage 1 (minus those whose
     * stage 2 came later as a linked attempt), {@code stage2} of them also ran stage 2 at B2 ({@code b2} null or
     * {@code b2Default}: ecm's default B2).
     */
    record WorkGroup(long compositeId, String method, BigInteger b1, BigInteger b2, boolean b2Default, int param,
                     long attempts, long stage1, long stage2, OffsetDateTime last) {
    }

    record AttemptRow(long id, String clientId, String method, BigInteger b1, BigInteger b2, Integer param,
                      int curvesCompleted, Double seconds, OffsetDateTime createdAt) {
    }

    record LeaseRow(String id, long compositeId, int digits, String clientId, long b1, int curves, int curvesCompleted,
                    int param, OffsetDateTime leasedAt, OffsetDateTime expiresAt, OffsetDateTime lastProgressAt) {
    }

    record ResidueRow(long id, String clientId, long b1, int param, int curves, String status, String claimedBy,
                      OffsetDateTime claimExpiresAt, OffsetDateTime expiresAt) {
    }

    /** A client: its active leases, and its submissions over the last day. */
    record HostRow(String clientId, long activeLeases, long leasedCurves, long attemptsToday, long curvesToday,
                   OffsetDateTime lastSeen) {
    }

    record Counts(long composites, long unfactored, long fullyFactored, long primes, long attempts, long factors,
                  long activeLeases) {
    }

    /** One page of a list: the rows, all rows matching, and the page as clamped (1-based). */
    record Paged<T>(List<T> rows, long total, int page, int size) {
        int lastPage() {
            return (int) Math.max(1, (total + size - 1) / size);
        }
    }

    record CompositeList(Paged<CompositeRow> page, Map<Long, List<WorkGroup>> work, Map<Long, List<FactorRow>> factors) {
    }

    record Overview(Counts counts, CompositeList unfactored, List<FactorRow> recentFactors, Map<Long, Integer> factorDigits,
                    Paged<LeaseRow> leases, List<HostRow> hosts) {
    }

    record Details(CompositeRow composite, List<FactorRow> factors, List<WorkGroup> work, List<LeaseRow> leases,
                   List<ResidueRow> residues, Paged<AttemptRow> attempts) {
    }

    static final Duration HOST_WINDOW = Duration.ofHours(24);
    private static final String COLUMNS = "id, number, digits, project, status, number_prime, cofactor, cofactor_prime, t_level,"
            + " target_t_level, snfs_difficulty, priority, created_at, updated_at";

    private final Jdbi jdbi;
    private final Clock clock;

    DashboardQueries(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }

    /** The overview: counts, the first unfactored composites, recent factors, active leases and hosts. */
    Overview overview(int rows) {
        OffsetDateTime now = now();
        return jdbi.withHandle(h -> {
            Counts counts = counts(h, now);
            CompositeList unfactored = composites(h, new Filter(null, "composite"), 1, rows, counts.unfactored());
            List<FactorRow> factors = recentFactors(h, rows, 0);
            return new Overview(counts, unfactored, factors, digits(h, factors), leases(h, now, 1, rows), hosts(h, now));
        });
    }

    /** Factors, newest first, with the digits of their composites. */
    record FactorsPage(Paged<FactorRow> factors, Map<Long, Integer> digits) {
    }

    FactorsPage factors(int page, int size) {
        return jdbi.withHandle(h -> {
            long total = h.createQuery("SELECT COUNT(*) FROM factors").mapTo(Long.class).one();
            int clamped = clamp(page, total, size);
            List<FactorRow> rows = recentFactors(h, size, (long) (clamped - 1) * size);
            return new FactorsPage(new Paged<>(rows, total, clamped, size), digits(h, rows));
        });
    }

    private static List<FactorRow> recentFactors(Handle h, int limit, long offset) {
        return h.createQuery("""
                        SELECT f.composite_id, f.factor, f.prime, f.sigma, f.client_id, f.found_at, a.method, a.b1, a.b2,
                          a.parametrization FROM factors f LEFT JOIN attempts a ON a.id = f.attempt_id
                        ORDER BY f.found_at DESC, f.id DESC LIMIT :limit OFFSET :offset""")
                .bind("limit", limit).bind("offset", offset).map((rs, ctx) -> factor(rs)).list();
    }

    /** The digits of the composites the factors belong to; one query. */
    private static Map<Long, Integer> digits(Handle h, List<FactorRow> factors) {
        Map<Long, Integer> digits = new HashMap<>();
        List<Long> ids = factors.stream().map(FactorRow::compositeId).distinct().toList();
        if (!ids.isEmpty()) {
            h.createQuery("SELECT id, digits FROM composites WHERE id IN (<ids>)").bindList("ids", ids)
                    .map((rs, ctx) -> digits.put(rs.getLong(1), rs.getInt(2))).list();
        }
        return digits;
    }

    /**
     * Counted from indexes: every composite (the table's row count), the unfactored and the prime ones (ranges of
     * the status index); the fully factored are the rest (a GROUP BY over the whole index took 20 ms at 20,000).
     */
    private static Counts counts(Handle h, OffsetDateTime now) {
        long composites = h.createQuery("SELECT COUNT(*) FROM composites").mapTo(Long.class).one();
        long unfactored = countByStatus(h, "composite", false);
        long primes = countByStatus(h, "fully_factored", true);
        long factored = composites - unfactored - primes;
        long attempts = h.createQuery("SELECT COUNT(*) FROM attempts").mapTo(Long.class).one();
        long factors = h.createQuery("SELECT COUNT(*) FROM factors").mapTo(Long.class).one();
        long leases = h.createQuery("SELECT COUNT(*) FROM work_leases WHERE status = 'active' AND expires_at > :now")
                .bind("now", now).mapTo(Long.class).one();
        return new Counts(composites, unfactored, factored, primes, attempts, factors, leases);
    }

    private static long countByStatus(Handle h, String status, boolean numberPrime) {
        return h.createQuery("SELECT COUNT(*) FROM composites WHERE status = :status AND number_prime = :prime")
                .bind("status", status).bind("prime", numberPrime).mapTo(Long.class).one();
    }

    /** A page of composites in id order; a page past the last is clamped to the last. */
    CompositeList composites(Filter filter, int page, int size) {
        return jdbi.withHandle(h -> composites(h, filter, page, size, null));
    }

    /** @param known the number of composites the filter matches, when already counted (else null) */
    private static CompositeList composites(Handle h, Filter filter, int page, int size, Long known) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        if (filter.project() != null) {
            where.append(" AND project = :project");
        }
        if (filter.status() != null) {
            where.append(" AND status = :status AND number_prime = :prime");
        }
        long total = known != null ? known : bindFilter(h.createQuery("SELECT COUNT(*) FROM composites" + where), filter).mapTo(Long.class).one();
        int clamped = clamp(page, total, size);
        // the filter's equality columns lead the ORDER BY as they lead its index, so H2 too reads the page off the
        // index instead of sorting every matching row (the order is the same: id within equal columns)
        String order = (filter.project() != null ? "project, " : "") + (filter.status() != null ? "status, number_prime, " : "") + "id";
        Query rows = bindFilter(h.createQuery("SELECT " + COLUMNS + " FROM composites" + where
                + " ORDER BY " + order + " LIMIT :limit OFFSET :offset"), filter)
                .bind("limit", size).bind("offset", (long) (clamped - 1) * size);
        List<CompositeRow> list = rows.map((rs, ctx) -> composite(rs)).list();
        List<Long> ids = list.stream().map(CompositeRow::id).toList();
        return new CompositeList(new Paged<>(list, total, clamped, size), work(h, ids), factors(h, ids));
    }

    private static Query bindFilter(Query q, Filter filter) {
        if (filter.project() != null) {
            q.bind("project", filter.project());
        }
        if (filter.status() != null) {
            q.bind("status", "composite".equals(filter.status()) ? "composite" : "fully_factored").bind("prime", "prime".equals(filter.status()));
        }
        return q;
    }

    /** {@code page} within 1 .. the last page of {@code total} rows. */
    static int clamp(int page, long total, int size) {
        long last = Math.max(1, (total + size - 1) / size);
        return (int) Math.max(1, Math.min(page, last));
    }

    /** One composite's page; empty when no composite has this id. */
    Optional<Details> details(long id, int attemptPage, int size) {
        OffsetDateTime now = now();
        return jdbi.withHandle(h -> {
            Optional<CompositeRow> row = h.createQuery("SELECT " + COLUMNS + " FROM composites WHERE id = :id").bind("id", id)
                    .map((rs, ctx) -> composite(rs)).findOne();
            if (row.isEmpty()) {
                return Optional.<Details>empty();
            }
            List<Long> ids = List.of(id);
            List<LeaseRow> leases = h.createQuery(LEASES + " AND l.composite_id = :id ORDER BY l.expires_at, l.id")
                    .bind("now", now).bind("id", id).map((rs, ctx) -> lease(rs)).list();
            List<ResidueRow> residues = h.createQuery("""
                            SELECT id, client_id, b1, parametrization, curve_count, status, claimed_by, claim_expires_at, expires_at
                            FROM residues WHERE composite_id = :id AND status IN ('available', 'claimed') ORDER BY id""")
                    .bind("id", id).map((rs, ctx) -> new ResidueRow(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getInt(4),
                            rs.getInt(5), rs.getString(6), rs.getString(7), time(rs, 8), time(rs, 9))).list();
            long total = h.createQuery("SELECT COUNT(*) FROM attempts WHERE composite_id = :id").bind("id", id).mapTo(Long.class).one();
            int page = clamp(attemptPage, total, size);
            List<AttemptRow> attempts = h.createQuery("""
                            SELECT id, client_id, method, b1, b2, parametrization, curves_completed, execution_time, created_at
                            FROM attempts WHERE composite_id = :id ORDER BY composite_id DESC, id DESC LIMIT :limit OFFSET :offset""")
                    .bind("id", id).bind("limit", size).bind("offset", (long) (page - 1) * size)
                    .map((rs, ctx) -> new AttemptRow(rs.getLong(1), rs.getString(2), rs.getString(3), integer(rs, 4), integer(rs, 5),
                            (Integer) rs.getObject(6), rs.getInt(7), (Double) rs.getObject(8), time(rs, 9))).list();
            return Optional.of(new Details(row.get(), factors(h, ids).getOrDefault(id, List.of()), work(h, ids).getOrDefault(id, List.of()),
                    leases, residues, new Paged<>(attempts, total, page, size)));
        });
    }

    /** Active leases, soonest expiry first, and every host seen (leases, submissions over {@link #HOST_WINDOW}). */
    record LeasesPage(Paged<LeaseRow> leases, List<HostRow> hosts) {
    }

    LeasesPage leases(int page, int size) {
        OffsetDateTime now = now();
        return jdbi.withHandle(h -> new LeasesPage(leases(h, now, page, size), hosts(h, now)));
    }

    private static final String LEASES = """
            SELECT l.id, l.composite_id, c.digits, l.client_id, l.b1, l.curves, l.curves_completed, l.parametrization,
              l.leased_at, l.expires_at, l.last_progress_at
            FROM work_leases l JOIN composites c ON c.id = l.composite_id
            WHERE l.status = 'active' AND l.expires_at > :now""";

    private static Paged<LeaseRow> leases(Handle h, OffsetDateTime now, int page, int size) {
        long total = h.createQuery("SELECT COUNT(*) FROM work_leases WHERE status = 'active' AND expires_at > :now")
                .bind("now", now).mapTo(Long.class).one();
        int clamped = clamp(page, total, size);
        List<LeaseRow> rows = h.createQuery(LEASES + " ORDER BY l.expires_at, l.id LIMIT :limit OFFSET :offset")
                .bind("now", now).bind("limit", size).bind("offset", (long) (clamped - 1) * size)
                .map((rs, ctx) -> lease(rs)).list();
        return new Paged<>(rows, total, clamped, size);
    }

    private static final int MAX_HOSTS = 100;

    private static List<HostRow> hosts(Handle h, OffsetDateTime now) {
        Map<String, HostRow> hosts = new LinkedHashMap<>();
        h.createQuery("""
                        SELECT client_id, COUNT(*) AS n, SUM(curves) AS curves, MAX(COALESCE(last_progress_at, leased_at)) AS seen
                        FROM work_leases WHERE status = 'active' AND expires_at > :now GROUP BY client_id
                        ORDER BY MAX(COALESCE(last_progress_at, leased_at)) DESC LIMIT :max""")
                .bind("now", now).bind("max", MAX_HOSTS)
                .map((rs, ctx) -> hosts.put(rs.getString(1), new HostRow(rs.getString(1), rs.getLong(2), rs.getLong(3), 0, 0, time(rs, 4))))
                .list();
        h.createQuery("""
                        SELECT client_id, COUNT(*) AS n, SUM(curves_completed) AS curves, MAX(created_at) AS seen
                        FROM attempts WHERE created_at > :since GROUP BY client_id ORDER BY MAX(created_at) DESC LIMIT :max""")
                .bind("since", now.minus(HOST_WINDOW)).bind("max", MAX_HOSTS)
                .map((rs, ctx) -> hosts.merge(rs.getString(1), new HostRow(rs.getString(1), 0, 0, rs.getLong(2), rs.getLong(3), time(rs, 4)),
                        (a, b) -> new HostRow(a.clientId(), a.activeLeases(), a.leasedCurves(), b.attemptsToday(), b.curvesToday(),
                                a.lastSeen().isAfter(b.lastSeen()) ? a.lastSeen() : b.lastSeen())))
                .list();
        List<HostRow> list = new ArrayList<>(hosts.values());
        list.sort((a, b) -> b.lastSeen().compareTo(a.lastSeen()));
        return list;
    }

    /** The factors of the given composites, in the order they were stored; one query. */
    private static Map<Long, List<FactorRow>> factors(Handle h, List<Long> ids) {
        Map<Long, List<FactorRow>> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        h.createQuery("""
                        SELECT f.composite_id, f.factor, f.prime, f.sigma, f.client_id, f.found_at, a.method, a.b1, a.b2,
                          a.parametrization FROM factors f LEFT JOIN attempts a ON a.id = f.attempt_id
                        WHERE f.composite_id IN (<ids>) ORDER BY f.id""")
                .bindList("ids", ids).map((rs, ctx) -> factor(rs))
                .forEach(f -> out.computeIfAbsent(f.compositeId(), k -> new ArrayList<>()).add(f));
        return out;
    }

    /** The work on the given composites by method, B1, B2 and parametrization; one query. */
    private static Map<Long, List<WorkGroup>> work(Handle h, List<Long> ids) {
        Map<Long, List<WorkGroup>> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        h.createQuery("""
                        SELECT composite_id, method, b1, b2, COALESCE(b2_default, b2 IS NULL) AS b2d, COALESCE(parametrization, 3) AS param,
                          COUNT(*) AS n, SUM(COALESCE(stage1_curves, curves_completed) - stage2_credited) AS s1,
                          SUM(COALESCE(stage2_curves, curves_completed)) AS s2, MAX(created_at) AS last
                        FROM attempts WHERE composite_id IN (<ids>)
                        GROUP BY composite_id, method, b1, b2, COALESCE(b2_default, b2 IS NULL), COALESCE(parametrization, 3)
                        ORDER BY composite_id, method, b1, b2""")
                .bindList("ids", ids)
                .map((rs, ctx) -> new WorkGroup(rs.getLong(1), rs.getString(2), integer(rs, 3), integer(rs, 4), rs.getBoolean(5),
                        rs.getInt(6), rs.getLong(7), rs.getLong(8), rs.getLong(9), time(rs, 10)))
                .forEach(w -> out.computeIfAbsent(w.compositeId(), k -> new ArrayList<>()).add(w));
        return out;
    }

    private static CompositeRow composite(ResultSet rs) throws SQLException {
        Number target = (Number) rs.getObject("target_t_level");
        Number snfs = (Number) rs.getObject("snfs_difficulty");
        String cofactor = rs.getString("cofactor");
        double effective = target != null ? target.doubleValue()
                : TLevelBook.defaultTarget(cofactor.length(), snfs == null ? null : snfs.intValue());
        return new CompositeRow(rs.getLong("id"), rs.getString("number"), rs.getInt("digits"), rs.getString("project"),
                rs.getString("status"), rs.getBoolean("number_prime"), cofactor, (Boolean) rs.getObject("cofactor_prime"), rs.getDouble("t_level"), effective,
                target != null, rs.getInt("priority"), rs.getObject("created_at", OffsetDateTime.class),
                rs.getObject("updated_at", OffsetDateTime.class));
    }

    private static FactorRow factor(ResultSet rs) throws SQLException {
        return new FactorRow(rs.getLong(1), rs.getString(2), (Boolean) rs.getObject(3), rs.getString(4), rs.getString(5), time(rs, 6),
                rs.getString(7), integer(rs, 8), integer(rs, 9), (Integer) rs.getObject(10));
    }

    private static LeaseRow lease(ResultSet rs) throws SQLException {
        return new LeaseRow(rs.getString(1), rs.getLong(2), rs.getInt(3), rs.getString(4), rs.getLong(5), rs.getInt(6), rs.getInt(7),
                rs.getInt(8), time(rs, 9), time(rs, 10), time(rs, 11));
    }

    private static OffsetDateTime time(ResultSet rs, int column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class);
    }

    private static BigInteger integer(ResultSet rs, int column) throws SQLException {
        BigDecimal d = rs.getBigDecimal(column);
        return d == null ? null : d.toBigIntegerExact();
    }
}
