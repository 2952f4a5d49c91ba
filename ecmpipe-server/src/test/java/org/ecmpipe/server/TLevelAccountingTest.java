package org.ecmpipe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.ecmpipe.server.ServerHarness.ADMIN_KEY;
import static org.ecmpipe.server.ServerHarness.N;
import static org.ecmpipe.server.ServerHarness.P;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.ecmpipe.tlevel.B1Ladder;
import org.ecmpipe.tlevel.TLevel;
import org.ecmpipe.tlevel.WorkItem;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The server's t-level per composite, over real HTTP on H2 and PostgreSQL: recomputed from all stored work and checked
 * against core's {@link TLevel} computed directly; targets by default, by SNFS difficulty and set by the admin.
 */
class TLevelAccountingTest extends OnEveryDatabase {
    private ObjectNode work(String id, long b1, BigInteger b2, Integer curves, int completed, int param) {
        ObjectNode body = s.submission(id, List.of());
        ObjectNode p = body.putObject("parameters").put("b1", b1).put("parametrization", param);
        if (b2 == null) {
            p.putNull("b2");
        } else {
            p.put("b2", b2);
        }
        if (curves != null) {
            p.put("curves", curves);
        }
        ((ObjectNode) body.get("results")).put("curves_completed", completed);
        return body;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void tLevelIsRecomputedFromAllStoredWorkAsCoreComputesIt(TestDatabases.Kind kind) throws Exception {
        s = new ServerHarness(kind, dir, ServerHarness.settings());
        HttpResponse<String> added = s.raw("POST", "/api/v1/admin/composites", "{\"composites\":[\"" + N + "\"]}", ADMIN_KEY);
        assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
        int digits = N.toString().length();
        JsonNode stats = s.json("/api/v1/stats/" + N);
        assertThat(stats.get("current_t_level").asDouble()).isZero();
        assertThat(stats.get("target_t_level").asDouble()).isCloseTo(Math.max(10, 4.0 * digits / 13), within(0.001));
        assertThat(stats.get("status").asText()).isEqualTo("composite");
        assertThat(stats.get("ecm_work").get("total_attempts").asInt()).isZero();

        List<WorkItem> expected = new ArrayList<>();
        // stage 2 at an explicit B2 for all 24 curves
        s.post("/api/v1/submit_result", work("a", 11_000, BigInteger.valueOf(1_873_422), 24, 24, 3), 200);
        expected.addAll(WorkItem.ofRun(24, 24, 11_000, BigInteger.valueOf(1_873_422), false, 3, N));
        assertThat(s.json("/api/v1/stats/" + N).get("current_t_level").asDouble())
                .isCloseTo(ServerRound.of(TLevel.of(expected)), within(1e-9));
        // stage 1 only (GPU residues whose stage 2 has not been reported): counted at B2 = 0
        s.post("/api/v1/submit_result", work("b", 50_000, BigInteger.ZERO, 300, 300, 3), 200);
        expected.add(WorkItem.stage1Only(300, 50_000, 3));
        // ecm's default B2; stage 2 finished on 40 of 100 curves: 40 at the default B2, 60 at B2 = 0, none twice
        s.post("/api/v1/submit_result", work("c", 250_000, null, 100, 40, 1), 200);
        expected.addAll(WorkItem.ofRun(100, 40, 250_000, null, true, 1, N));
        // the same kind again: grouped with "c" by the server, still the same t-level
        s.post("/api/v1/submit_result", work("d", 250_000, null, 10, 10, 1), 200);
        expected.add(WorkItem.defaultB2(10, 250_000, 1));
        // not ECM: no t-level credit
        s.post("/api/v1/submit_result", work("e", 1_000_000, null, 1, 1, 1).put("method", "pm1"), 200);

        double t = TLevel.of(expected);
        assertThat(t).isGreaterThan(25);
        stats = s.json("/api/v1/stats/" + N);
        assertThat(stats.get("current_t_level").asDouble()).isCloseTo(ServerRound.of(t), within(1e-9));
        assertThat(stats.get("ecm_work").get("total_attempts").asInt()).isEqualTo(5);
        assertThat(stats.get("ecm_work").get("effort_by_level").get(0).get("b1").asLong()).isEqualTo(11_000);
        assertThat(stats.get("ecm_work").get("last_attempt").asText()).isNotEmpty();
        JsonNode composite = s.json("/api/v1/composites/" + N);
        assertThat(composite.get("t_level").asDouble()).isCloseTo(ServerRound.of(t), within(1e-9));
        // adding t-levels would give far more; recomputation gives exactly core's value for the union of the work
        assertThat(t).isLessThan(TLevel.of(expected.subList(0, 1)) + TLevel.of(List.of(expected.get(2))));

        // the next work: the ladder's B1 for the next level and the curves at it (default B2, param 1) that reach that
        // level or the target, whichever is lower
        double target = composite.get("target_t_level").asDouble();
        long[] rung = B1Ladder.nextRung(t, target);
        long b1 = rung[1];
        long curves = t >= target ? 0 : TLevel.curvesToReach(expected, Math.min(rung[0], target), new WorkItem(1, b1, null, 1)).curves();
        assertThat(composite.get("next_b1").asLong()).isEqualTo(b1);
        assertThat(composite.get("curves_to_target").asLong()).isEqualTo(curves);
        assertThat(s.get("/").body()).contains("class=\"bar\"").contains(String.format(java.util.Locale.ROOT, "t%.2f", t));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void targetsFromDigitsSnfsDifficultyAndTheAdmin(TestDatabases.Kind kind) throws Exception {
        s = new ServerHarness(kind, dir, ServerHarness.settings());
        BigInteger big = BigInteger.TEN.pow(299).add(BigInteger.valueOf(7)); // 300 digits
        s.raw("POST", "/api/v1/admin/composites", "{\"composites\":[\"" + N + "\",\"" + big + "\"]}", ADMIN_KEY);
        assertThat(s.json("/api/v1/stats/" + big).get("target_t_level").asDouble()).isEqualTo(85);

        String path = "/api/v1/admin/composites/" + N;
        s.assertError(s.raw("PUT", path, "{\"target_t_level\":40}", null), 401, "X-Admin-Key");
        s.assertError(s.raw("PUT", path, "{\"target_t_level\":\"forty\"}", ADMIN_KEY), 422, "target_t_level");
        s.assertError(s.raw("PUT", path, "{\"target_t_level\":5}", ADMIN_KEY), 422, "target_t_level");
        s.assertError(s.raw("PUT", "/api/v1/admin/composites/12345", "{\"target_t_level\":40}", ADMIN_KEY), 404, "number");
        HttpResponse<String> set = s.raw("PUT", path, "{\"target_t_level\":40,\"priority\":7}", ADMIN_KEY);
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        JsonNode c = s.mapper.readTree(set.body());
        assertThat(c.get("target_t_level").asDouble()).isEqualTo(40);
        assertThat(c.get("target_t_level_set").asBoolean()).isTrue();
        assertThat(c.get("priority").asInt()).isEqualTo(7);
        assertThat(c.get("curves_to_target").asLong())
                .isEqualTo(TLevel.curvesToReach(List.of(), 20, new WorkItem(1, 11_000, null, 1)).curves());
        assertThat(c.get("next_b1").asLong()).isEqualTo(11_000);
        assertThat(s.json("/api/v1/stats/" + N).get("target_t_level").asDouble()).isEqualTo(40);

        // SNFS difficulty below the digits lowers the default target; null resets the admin's target
        c = s.mapper.readTree(s.raw("PUT", path, "{\"target_t_level\":null,\"snfs_difficulty\":39}", ADMIN_KEY).body());
        assertThat(c.get("target_t_level").asDouble()).isEqualTo(12.0);
        assertThat(c.get("target_t_level_set").asBoolean()).isFalse();
        JsonNode stats = s.json("/api/v1/stats/" + N);
        assertThat(stats.get("has_snfs_form").asBoolean()).isTrue();
        assertThat(stats.get("snfs_difficulty").asInt()).isEqualTo(39);

        // a factor found: the target follows the cofactor's digits
        s.raw("PUT", path, "{\"snfs_difficulty\":null}", ADMIN_KEY);
        s.post("/api/v1/submit_result", s.submission("f", List.of(P.toString())), 200);
        stats = s.json("/api/v1/stats/" + N);
        int cofactorDigits = N.divide(P).toString().length();
        assertThat(stats.get("digit_length").asInt()).isEqualTo(cofactorDigits);
        assertThat(stats.get("target_t_level").asDouble()).isCloseTo(ServerRound.of(Math.max(10, 4.0 * cofactorDigits / 13)), within(1e-9));
        assertThat(stats.get("factors_found").get(0).asText()).isEqualTo(P.toString());
        s.assertError(s.get("/api/v1/stats/999"), 404, "number");
    }

    /** The server rounds t-levels in JSON to 3 decimals. */
    static final class ServerRound {
        static double of(double t) {
            return ResultsServer.round3(t);
        }
    }
}
