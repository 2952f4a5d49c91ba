package org.ecmpipe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ecmpipe.server.ServerHarness.ADMIN_KEY;
import static org.ecmpipe.server.ServerHarness.P;
import static org.ecmpipe.server.ServerHarness.Q;
import static org.ecmpipe.server.ServerHarness.R;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * What the dashboard tests look at, made through the real HTTP API at a fixed time ({@link #NOW}):
 * <ul>
 * <li>N = P·Q·R in project {@link #HOSTILE_PROJECT} with factor P found by {@link #HOSTILE_CLIENT} (cofactor Q·R, C55);</li>
 * <li>P·R with factor P: fully factored, its cofactor R a 40-digit prime (P40);</li>
 * <li>the prime 2^61-1 added by the admin (prime, not "fully factored");</li>
 * <li>{@link #BULK} composites P·(Q+1000+i) in project "bulk", the first with 24 curves at B1=11000 whose stage 2
 * never ran (B2 = 0: "stage 1 only");</li>
 * <li>a lease held by {@link #HOSTILE_CLIENT}.</li>
 * </ul>
 */
final class DashboardFixture {
    static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
    static final String NOW_TEXT = "2026-11-25T10:00:00Z";
    static final String HOSTILE_PROJECT = "<script>alert('p')</script>&co";
    static final String HOSTILE_CLIENT = "<script>alert(1)</script>-box";
    static final BigInteger PRIME = BigInteger.TWO.pow(61).subtract(BigInteger.ONE);
    static final int BULK = 60;

    final List<BigInteger> bulk = new ArrayList<>();
    long hostileId;
    long fullyFactoredId;
    long primeId;
    long stage1OnlyId;

    private DashboardFixture() {
    }

    static Clock clock() {
        return Clock.fixed(NOW, ZoneOffset.UTC);
    }

    static DashboardFixture fill(ServerHarness s) throws Exception {
        DashboardFixture f = new DashboardFixture();
        ObjectNode hostile = s.submission("hostile-1", List.of(P.toString())).put("project", HOSTILE_PROJECT).put("client_id", HOSTILE_CLIENT);
        f.hostileId = s.post("/api/v1/submit_result", hostile, 200).get("composite_id").asLong();
        ObjectNode pr = s.submission("pr-1", List.of(P.toString())).put("composite", P.multiply(R).toString()).put("project", "pr");
        f.fullyFactoredId = s.post("/api/v1/submit_result", pr, 200).get("composite_id").asLong();
        HttpResponse<String> prime = s.raw("POST", "/api/v1/admin/composites", "{\"project\":\"primes\",\"composites\":[\"2^61-1\"]}", ADMIN_KEY);
        assertThat(prime.statusCode()).as(prime.body()).isEqualTo(200);
        f.primeId = id(s, PRIME);
        for (int i = 0; i < BULK; i++) {
            f.bulk.add(P.multiply(Q.add(BigInteger.valueOf(1000 + i))));
        }
        HttpResponse<String> bulk = s.raw("POST", "/api/v1/admin/composites", "{\"project\":\"bulk\",\"composites\":"
                + s.mapper.writeValueAsString(f.bulk.stream().map(BigInteger::toString).toList()) + "}", ADMIN_KEY);
        assertThat(bulk.statusCode()).as(bulk.body()).isEqualTo(200);
        ObjectNode stage1 = s.submission("stage1-1", List.of()).put("composite", f.bulk.getFirst().toString()).put("project", "bulk");
        ((ObjectNode) stage1.get("parameters")).put("b2", 0);
        f.stage1OnlyId = s.post("/api/v1/submit_result", stage1, 200).get("composite_id").asLong();
        JsonNode lease = s.json("/api/v1/ecm-work?client_id=" + java.net.URLEncoder.encode(HOSTILE_CLIENT, java.nio.charset.StandardCharsets.UTF_8)
                + "&max_curves=10");
        assertThat(lease.get("work_id").isTextual()).as(lease.toString()).isTrue();
        return f;
    }

    /** The id the database gave a number. */
    static long id(ServerHarness s, BigInteger number) {
        return s.database.jdbi().withHandle(h -> h.createQuery("SELECT id FROM composites WHERE number_sha256 = :sha")
                .bind("sha", ResultStore.sha256(number.toString())).mapTo(Long.class).one());
    }
}
