package org.ecmpipe.server;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ecmpipe.tlevel.B1Ladder;
import org.ecmpipe.tlevel.TLevel;
import org.ecmpipe.tlevel.WorkItem;
import org.jdbi.v3.core.Jdbi;

/**
 * A composite's t-level, recomputed from all its stored ECM work with GMP-ECM's model (never by adding t-levels), and
 * the next work towards its target. Three steps, none holding a connection while computing: read the work (one
 * short read), compute, write the numbers into the composite row only if nothing they depend on changed meanwhile
 * (a newer recomputation, a new target or a new cofactor has its own recomputation).
 */
final class TLevelBook {
    /** The parametrization the queue plans curves for (ecm's CPU default); GPU stage 1 is param 3. */
    static final int PLAN_PARAM = 1;

    /** The work and the inputs read for one composite. */
    record Inputs(long id, BigInteger number, String cofactorSha, int cofactorDigits, Integer snfs, Double target,
                  String status, long through, List<WorkItem> work) {
    }

    /** What was computed and stored. */
    record Progress(double tLevel, double target, long nextB1, long curvesToTarget) {
    }

    private final Jdbi jdbi;

    TLevelBook(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** ecm-wrapper's default target: 4/13 of the digits (of the SNFS difficulty when smaller), clamped to 10..85. */
    static double defaultTarget(int digits, Integer snfsDifficulty) {
        int effective = snfsDifficulty != null ? Math.min(digits, snfsDifficulty) : digits;
        return Math.max(10, Math.min(85, 4.0 * effective / 13.0));
    }

    /** Recomputes and stores; empty when the composite is unknown or changed while computing (its changer recomputes). */
    Optional<Progress> recompute(long compositeId) {
        Optional<Inputs> in = read(compositeId);
        if (in.isEmpty()) {
            return Optional.empty();
        }
        Progress p = compute(in.get());
        int rows = jdbi.withHandle(h -> h.createUpdate("""
                        UPDATE composites SET t_level = :t, t_level_through = :through, next_b1 = :b1, curves_to_target = :curves
                        WHERE id = :id AND t_level_through <= :through AND cofactor_sha256 = :sha AND status = :status
                          AND COALESCE(target_t_level, -1) = :target AND COALESCE(snfs_difficulty, -1) = :snfs""")
                .bind("t", p.tLevel()).bind("through", in.get().through()).bind("b1", p.nextB1()).bind("curves", p.curvesToTarget())
                .bind("id", compositeId).bind("sha", in.get().cofactorSha()).bind("status", in.get().status())
                .bind("target", in.get().target() == null ? -1.0 : in.get().target())
                .bind("snfs", in.get().snfs() == null ? -1 : in.get().snfs()).execute());
        return rows == 1 ? Optional.of(p) : Optional.empty();
    }

    /** One snapshot of the composite and its ECM work (attempts up to the highest id read), grouped by kind. */
    Optional<Inputs> read(long compositeId) {
        return jdbi.inTransaction(h -> {
            var row = h.createQuery("""
                            SELECT number, cofactor_sha256, cofactor, snfs_difficulty, target_t_level, status FROM composites
                            WHERE id = :id""").bind("id", compositeId).mapToMap().findOne();
            if (row.isEmpty()) {
                return Optional.<Inputs>empty();
            }
            long through = h.createQuery("SELECT COALESCE(MAX(id), 0) FROM attempts WHERE composite_id = :id")
                    .bind("id", compositeId).mapTo(Long.class).one();
            BigInteger number = new BigInteger((String) row.get().get("number"));
            boolean ntt = TLevel.nttByDefault(number);
            List<WorkItem> work = new ArrayList<>();
            h.createQuery("""
                            SELECT b1, b2, b2_default, COALESCE(parametrization, 3) AS param, SUM(stage1_curves - stage2_credited) AS s1,
                              SUM(stage2_curves) AS s2
                            FROM attempts WHERE composite_id = :id AND id <= :through AND method = 'ecm'
                            GROUP BY b1, b2, b2_default, COALESCE(parametrization, 3)""")
                    .bind("id", compositeId).bind("through", through)
                    .map((rs, ctx) -> {
                        BigDecimal b1 = rs.getBigDecimal("b1");
                        BigDecimal b2 = rs.getBigDecimal("b2");
                        int param = rs.getInt("param");
                        if (b1.compareTo(BigDecimal.ONE) < 0 || b1.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0
                                || param < 0 || param > 3) {
                            return List.<WorkItem>of(); // outside GMP-ECM's model: no credit
                        }
                        return WorkItem.ofRun(rs.getLong("s1"), rs.getLong("s2"), b1.longValueExact(),
                                b2 == null ? null : b2.toBigIntegerExact(), rs.getBoolean("b2_default"), param, number)
                                .stream().map(w -> w.ntt() == ntt ? w : new WorkItem(w.curves(), w.b1(), w.b2(), w.param(), ntt))
                                .toList();
                    })
                    .forEach(work::addAll);
            Object snfs = row.get().get("snfs_difficulty");
            Object target = row.get().get("target_t_level");
            return Optional.of(new Inputs(compositeId, number, (String) row.get().get("cofactor_sha256"),
                    ((String) row.get().get("cofactor")).length(), snfs == null ? null : ((Number) snfs).intValue(),
                    target == null ? null : ((Number) target).doubleValue(), (String) row.get().get("status"), through, work));
        });
    }

    /**
     * The t-level of the work, the target, and the next step as {@code run --target-t} takes it: the ladder's B1 for
     * the next t-level above the work's, and the curves at it (ecm's default B2, param 1) that reach that level or the
     * target, whichever is lower (the target itself past the ladder's top). 0 curves once the target is reached, the
     * composite is done, or no number of curves at that B1 reaches the goal.
     */
    static Progress compute(Inputs in) {
        double t = TLevel.of(in.work());
        double target = in.target() != null ? in.target() : defaultTarget(in.cofactorDigits(), in.snfs());
        long[] rung = B1Ladder.nextRung(t, target);
        long b1 = rung[1];
        long curves = 0;
        if ("composite".equals(in.status()) && t < target) {
            double goal = Math.min(rung[0], target);
            if (goal <= t) {
                goal = target;
            }
            WorkItem curve = new WorkItem(1, b1, null, PLAN_PARAM, TLevel.nttByDefault(in.number()));
            try {
                curves = TLevel.curvesToReach(in.work(), goal, curve).curves();
            } catch (IllegalArgumentException e) {
                curves = 0; // beyond what curves at this B1 reach: nothing to lease at it
            }
        }
        return new Progress(t, target, b1, curves);
    }
}
