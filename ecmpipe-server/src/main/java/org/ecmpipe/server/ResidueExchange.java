package org.ecmpipe.server;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ecmpipe.residue.Residue;
import org.ecmpipe.residue.ResidueParser;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * Residue exchange: a stage-1 host uploads its GMP-ECM {@code -save} file, a stage-2 host claims, downloads and
 * completes it. Files live in the database (any server process serves them); each line is checked by core's
 * {@link ResidueParser} (GMP-ECM's CHECKSUM included) and the whole file by SHA-256 on upload and again on download.
 *
 * <p>Credit without double counting: the residue's stage-1 attempt counts its curves at B2 = 0; a stage-2 attempt
 * linked to the residue (at its {@code submit_result} when the submitter holds the claim, or at complete) counts at
 * most the curves still uncredited at its B2, and the stage-1 attempt's B2 = 0 credit drops by the same number
 * ({@code stage2_credited}). A stage 2 stopped early keeps the rest at B2 = 0.
 */
final class ResidueExchange {

    /** A parsed upload. */
    record Parsed(BigInteger n, long b1, int param, int curves, String sha256) {
    }

    record Uploaded(long residueId, long compositeId, String composite, long b1, int param, int curves, int bytes,
                    long stage1AttemptId, boolean stage1Created, OffsetDateTime expiresAt, String checksum) {
    }

    record Claim(long residueId, long compositeId, String composite, long b1, int param, int curves, long stage1AttemptId,
                 OffsetDateTime expiresAt) {
    }

    record Download(byte[] content, String checksum) {
    }

    record Completed(long residueId, long stage1AttemptId, long stage2AttemptId, long compositeId) {
    }

    private static final int CANDIDATES = 32;

    private final Jdbi jdbi;
    private final Clock clock;
    private final boolean postgres;

    ResidueExchange(Jdbi jdbi, Clock clock, boolean postgres) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.postgres = postgres;
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }

    /**
     * Checks a file without the database: UTF-8, every line a valid ECM residue with GMP-ECM's CHECKSUM (verified by
     * the parser), one N, one B1, one param.
     */
    static Parsed parse(byte[] content) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(content)).toString();
        } catch (CharacterCodingException e) {
            throw ApiError.invalid("file", "is not UTF-8 text");
        }
        String[] lines = text.split("\r\n|\r|\n", -1);
        List<Residue> residues = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            ResidueParser.Parsed p = ResidueParser.parse(i + 1, lines[i]);
            if (p instanceof ResidueParser.Bad bad) {
                throw ApiError.invalid("file", bad.problem().toString());
            }
            if (p instanceof ResidueParser.Good good) {
                Residue r = good.residue();
                if (!"ECM".equals(r.fields().get("METHOD")) || r.sigma() == null) {
                    throw ApiError.invalid("file", "line " + (i + 1) + ": not an ECM residue with a SIGMA");
                }
                if (!r.fields().containsKey("CHECKSUM")) {
                    // GMP-ECM writes CHECKSUM after X: a line cut short in transit inside N or X has lost it, and
                    // without it the cut is a valid-looking residue with a wrong X
                    throw ApiError.invalid("file", "line " + (i + 1) + ": no CHECKSUM field (GMP-ECM writes one after X;"
                            + " a line without it cannot be verified and may have been cut short)");
                }
                if (!residues.isEmpty()) {
                    Residue first = residues.getFirst();
                    if (!first.n().equals(r.n()) || first.b1() != r.b1() || first.effectiveParam() != r.effectiveParam()) {
                        throw ApiError.invalid("file", "line " + (i + 1) + ": N, B1 and PARAM must be those of line "
                                + first.lineNumber() + " (one composite, one B1, one param a file)");
                    }
                }
                residues.add(r);
            }
        }
        if (residues.isEmpty()) {
            throw ApiError.invalid("file", "holds no residue lines");
        }
        Residue first = residues.getFirst();
        return new Parsed(first.n(), first.b1(), first.effectiveParam(), residues.size(), sha256(content));
    }

    /**
     * Stores an upload. Without {@code stage1AttemptId} the stage-1 work is recorded here as an attempt at B2 = 0;
     * with one, that attempt (same composite and B1, stage 1 only) is the residue's.
     */
    Uploaded upload(String clientId, byte[] content, Parsed p, Long stage1AttemptId, Duration expiry) {
        return ResultStore.retryingOnConflict(() -> jdbi.inTransaction(TransactionIsolationLevel.READ_COMMITTED, h -> {
            OffsetDateTime now = now();
            Optional<Long> dup = h.createQuery("SELECT id FROM residues WHERE checksum = :c").bind("c", p.sha256()).mapTo(Long.class).findOne();
            if (dup.isPresent()) {
                throw new ApiError(409, "file", "the same residue file was already uploaded as residue " + dup.get());
            }
            String sha = ResultStore.sha256(p.n().toString());
            Optional<Long> composite = h.createQuery("SELECT id FROM composites WHERE number_sha256 = :s").bind("s", sha)
                    .mapTo(Long.class).findOne();
            if (composite.isEmpty()) {
                composite = h.createQuery("SELECT MIN(id) FROM composites WHERE cofactor_sha256 = :s").bind("s", sha)
                        .mapTo(Long.class).findOne();
            }
            long compositeId = composite.orElseThrow(() -> ApiError.invalid("file", "N=" + LogText.number(p.n())
                    + " is not a composite known here (add it first)"));
            h.createQuery("SELECT id FROM composites WHERE id = :id FOR UPDATE").bind("id", compositeId).mapTo(Long.class).one();
            long attempt;
            boolean created = stage1AttemptId == null;
            if (created) {
                attempt = h.createUpdate("""
                                INSERT INTO attempts (composite_id, client_id, method, program, b1, b2, curves_requested,
                                  curves_completed, parametrization, created_at, stage1_curves, stage2_curves, b2_default)
                                VALUES (:c, :client, 'ecm', 'gmp-ecm', :b1, 0, :n, :n, :param, :now, :n, 0, FALSE)""")
                        .bind("c", compositeId).bind("client", clientId).bind("b1", p.b1()).bind("n", p.curves())
                        .bind("param", p.param()).bind("now", now).executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
            } else {
                Map<String, Object> a = h.createQuery("""
                                SELECT composite_id, b1, stage2_curves, stage1_curves FROM attempts WHERE id = :id FOR UPDATE""")
                        .bind("id", stage1AttemptId).mapToMap().findOne()
                        .orElseThrow(() -> ApiError.invalid("stage1_attempt_id", "attempt " + stage1AttemptId + " does not exist"));
                if (((Number) a.get("composite_id")).longValue() != compositeId
                        || ((Number) a.get("b1")).longValue() != p.b1() || ((Number) a.get("stage2_curves")).intValue() != 0) {
                    throw ApiError.invalid("stage1_attempt_id", "attempt " + stage1AttemptId + " is not stage-1-only work"
                            + " (B2=0) at B1=" + p.b1() + " on this file's composite");
                }
                attempt = stage1AttemptId;
            }
            OffsetDateTime expires = now.plus(expiry);
            long id = h.createUpdate("""
                            INSERT INTO residues (composite_id, client_id, stage1_attempt_id, b1, parametrization, curve_count,
                              file_size_bytes, checksum, content, status, created_at, expires_at)
                            VALUES (:c, :client, :a, :b1, :param, :n, :size, :sha, :content, 'available', :now, :expires)""")
                    .bind("c", compositeId).bind("client", clientId).bind("a", attempt).bind("b1", p.b1()).bind("param", p.param())
                    .bind("n", p.curves()).bind("size", content.length).bind("sha", p.sha256()).bind("content", content)
                    .bind("now", now).bind("expires", expires).executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
            return new Uploaded(id, compositeId, p.n().toString(), p.b1(), p.param(), p.curves(), content.length, attempt, created,
                    expires, p.sha256());
        }));
    }

    /** Claims the first available residue (priority, then age), or one whose claim expired. */
    Optional<Claim> claim(String clientId, Integer minDigits, Integer maxDigits, Integer minPriority, Duration claimTime) {
        return ResultStore.retryingOnConflict(() -> jdbi.inTransaction(TransactionIsolationLevel.READ_COMMITTED, h -> {
            OffsetDateTime now = now();
            List<Long> tried = new ArrayList<>();
            for (int pass = postgres ? 0 : 1; pass < 2; pass++) {
                while (tried.size() < CANDIDATES) {
                    StringBuilder sql = new StringBuilder("SELECT r.id FROM residues r JOIN composites c ON c.id = r.composite_id"
                            + " WHERE c.status = 'composite' AND r.expires_at > :now"
                            + " AND (r.status = 'available' OR (r.status = 'claimed' AND r.claim_expires_at <= :now))");
                    if (!tried.isEmpty()) {
                        sql.append(" AND r.id NOT IN (<tried>)");
                    }
                    sql.append(minDigits != null ? " AND c.digits >= " + minDigits : "")
                            .append(maxDigits != null ? " AND c.digits <= " + maxDigits : "")
                            .append(minPriority != null ? " AND c.priority >= " + minPriority : "")
                            .append(" ORDER BY c.priority DESC, r.id LIMIT 1")
                            .append(postgres ? (pass == 0 ? " FOR UPDATE OF r SKIP LOCKED" : " FOR UPDATE OF r") : " FOR UPDATE");
                    var q = h.createQuery(sql.toString()).bind("now", now);
                    if (!tried.isEmpty()) {
                        q.bindList("tried", tried);
                    }
                    Optional<Long> id = q.mapTo(Long.class).findOne();
                    if (id.isEmpty()) {
                        break;
                    }
                    tried.add(id.get());
                    OffsetDateTime until = now.plus(claimTime);
                    int taken = h.createUpdate("""
                                    UPDATE residues SET status = 'claimed', claimed_by = :client, claimed_at = :now,
                                      claim_expires_at = :until
                                    WHERE id = :id AND expires_at > :now
                                      AND (status = 'available' OR (status = 'claimed' AND claim_expires_at <= :now))""")
                            .bind("client", clientId).bind("now", now).bind("until", until).bind("id", id.get()).execute();
                    if (taken == 1) {
                        Map<String, Object> r = h.createQuery("""
                                        SELECT r.id, r.composite_id, r.b1, r.parametrization, r.curve_count, r.stage1_attempt_id,
                                          c.cofactor FROM residues r JOIN composites c ON c.id = r.composite_id WHERE r.id = :id""")
                                .bind("id", id.get()).mapToMap().one();
                        return Optional.of(new Claim(id.get(), ((Number) r.get("composite_id")).longValue(), (String) r.get("cofactor"),
                                ((Number) r.get("b1")).longValue(), ((Number) r.get("parametrization")).intValue(),
                                ((Number) r.get("curve_count")).intValue(), ((Number) r.get("stage1_attempt_id")).longValue(), until));
                    }
                }
            }
            return Optional.<Claim>empty();
        }));
    }

    /** The file, for its claimer while the claim holds; its SHA-256 checked against the one stored at upload. */
    Download download(long id, String clientId) {
        return jdbi.withHandle(h -> {
            Map<String, Object> r = row(h, id, false);
            requireClaimer(r, id, clientId);
            if (!((OffsetDateTime) h.createQuery("SELECT claim_expires_at FROM residues WHERE id = :id").bind("id", id)
                    .mapTo(OffsetDateTime.class).one()).isAfter(now())) {
                throw new ApiError(409, "residue_id", "the claim on residue " + id + " expired; claim work again");
            }
            byte[] content = h.createQuery("SELECT content FROM residues WHERE id = :id").bind("id", id).mapTo(byte[].class).one();
            String checksum = (String) r.get("checksum");
            if (content == null || !sha256(content).equals(checksum)) {
                throw new IllegalStateException("residue " + id + " is damaged in the database: its SHA-256 is not the one"
                        + " recorded at upload");
            }
            return new Download(content, checksum);
        });
    }

    /** Completes a claimed residue with its stage-2 attempt: credit linked, file dropped. Idempotent for the same attempt. */
    Completed complete(long id, String clientId, long stage2AttemptId) {
        return jdbi.inTransaction(TransactionIsolationLevel.READ_COMMITTED, h -> {
            Map<String, Object> r = row(h, id, true);
            long stage1 = ((Number) r.get("stage1_attempt_id")).longValue();
            long composite = ((Number) r.get("composite_id")).longValue();
            if ("completed".equals(r.get("status")) && r.get("stage2_attempt_id") != null
                    && ((Number) r.get("stage2_attempt_id")).longValue() == stage2AttemptId) {
                return new Completed(id, stage1, stage2AttemptId, composite);
            }
            requireClaimer(r, id, clientId);
            link(h, id, stage1, composite, ((Number) r.get("b1")).longValue(), stage2AttemptId);
            h.createUpdate("""
                            UPDATE residues SET status = 'completed', completed_at = :now, stage2_attempt_id = :a, content = NULL
                            WHERE id = :id""").bind("now", now()).bind("a", stage2AttemptId).bind("id", id).execute();
            return new Completed(id, stage1, stage2AttemptId, composite);
        });
    }

    /**
     * A stage-2 host's heartbeat: extends its claim to {@code claimTime} from now. False when the residue is no longer
     * claimed by this client (completed, released, or claimed by another after it expired): the host must stop.
     */
    boolean extend(long id, String clientId, Duration claimTime) {
        return jdbi.inTransaction(TransactionIsolationLevel.READ_COMMITTED, h -> {
            Map<String, Object> r = row(h, id, true);
            if (!"claimed".equals(r.get("status")) || !clientId.equals(r.get("claimed_by"))) {
                return false;
            }
            OffsetDateTime now = now();
            h.createUpdate("UPDATE residues SET claim_expires_at = :until WHERE id = :id")
                    .bind("until", now.plus(claimTime)).bind("id", id).execute();
            return true;
        });
    }

    /** Hands a claim back: the residue is available again at once. */
    void release(long id, String clientId) {
        jdbi.useTransaction(h -> {
            Map<String, Object> r = row(h, id, true);
            if (!"claimed".equals(r.get("status")) || !clientId.equals(r.get("claimed_by"))) {
                throw new ApiError(400, "residue_id", "residue " + id + " is not claimed by " + LogText.safe(clientId));
            }
            h.createUpdate("""
                            UPDATE residues SET status = 'available', claimed_by = NULL, claimed_at = NULL, claim_expires_at = NULL
                            WHERE id = :id""").bind("id", id).execute();
        });
    }

    /**
     * Inside a submission's transaction (its composite locked): a stage-2 attempt by a client holding a live claim on
     * a residue of this composite with the same B1 (and param, when given) is that residue's stage 2.
     */
    static void linkOnSubmit(Handle h, long compositeId, long attemptId, String clientId, long b1, Integer param,
                             OffsetDateTime now) {
        Optional<Map<String, Object>> r = h.createQuery("""
                        SELECT id, stage1_attempt_id, parametrization FROM residues
                        WHERE composite_id = :c AND status = 'claimed' AND claimed_by = :client AND b1 = :b1
                          AND claim_expires_at > :now ORDER BY id""")
                .bind("c", compositeId).bind("client", clientId).bind("b1", b1).bind("now", now).mapToMap().list().stream()
                .filter(row -> param == null || ((Number) row.get("parametrization")).intValue() == param).findFirst();
        if (r.isPresent()) {
            link(h, ((Number) r.get().get("id")).longValue(), ((Number) r.get().get("stage1_attempt_id")).longValue(),
                    compositeId, b1, attemptId);
        }
    }

    /** Moves credit from the stage-1 attempt's B2 = 0 curves to the stage-2 attempt, never more than is left. */
    private static void link(Handle h, long residueId, long stage1, long compositeId, long b1, long stage2) {
        Map<String, Object> a2 = h.createQuery("""
                        SELECT composite_id, b1, stage2_curves, residue_id FROM attempts WHERE id = :id FOR UPDATE""")
                .bind("id", stage2).mapToMap().findOne()
                .orElseThrow(() -> ApiError.invalid("stage2_attempt_id", "attempt " + stage2 + " does not exist"));
        if (a2.get("residue_id") != null) {
            if (((Number) a2.get("residue_id")).longValue() == residueId) {
                return;
            }
            throw new ApiError(409, "stage2_attempt_id", "attempt " + stage2 + " is the stage 2 of residue " + a2.get("residue_id"));
        }
        if (((Number) a2.get("composite_id")).longValue() != compositeId || ((Number) a2.get("b1")).longValue() != b1
                || ((Number) a2.get("stage2_curves")).intValue() <= 0) {
            throw ApiError.invalid("stage2_attempt_id", "attempt " + stage2 + " is not stage-2 work at B1=" + b1
                    + " on this residue's composite");
        }
        Map<String, Object> a1 = h.createQuery("SELECT stage1_curves, stage2_credited FROM attempts WHERE id = :id FOR UPDATE")
                .bind("id", stage1).mapToMap().one();
        int left = ((Number) a1.get("stage1_curves")).intValue() - ((Number) a1.get("stage2_credited")).intValue();
        int credit = Math.max(0, Math.min(left, ((Number) a2.get("stage2_curves")).intValue()));
        h.createUpdate("UPDATE attempts SET stage1_curves = :n, stage2_curves = :n, residue_id = :r WHERE id = :id")
                .bind("n", credit).bind("r", residueId).bind("id", stage2).execute();
        h.createUpdate("UPDATE attempts SET stage2_credited = stage2_credited + :n WHERE id = :id").bind("n", credit)
                .bind("id", stage1).execute();
    }

    private static Map<String, Object> row(Handle h, long id, boolean lock) {
        return h.createQuery("SELECT id, composite_id, stage1_attempt_id, b1, status, claimed_by, checksum, stage2_attempt_id"
                        + " FROM residues WHERE id = :id" + (lock ? " FOR UPDATE" : ""))
                .bind("id", id).mapToMap().findOne()
                .orElseThrow(() -> new ApiError(404, "residue_id", "no residue " + id));
    }

    private static void requireClaimer(Map<String, Object> r, long id, String clientId) {
        if (!"claimed".equals(r.get("status")) || !clientId.equals(r.get("claimed_by"))) {
            throw new ApiError(403, "X-Client-ID", "residue " + id + " is not claimed by " + LogText.safe(clientId));
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
