package org.ecmpipe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ecmpipe.server.ServerHarness.N;
import static org.ecmpipe.server.ServerHarness.P;
import static org.ecmpipe.server.ServerHarness.Q;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.ecmpipe.api.Submission;
import org.ecmpipe.ecm.Sigma;
import java.time.Clock;
import java.time.ZoneOffset;
import org.ecmpipe.result.CompositeResult;
import org.ecmpipe.result.Factorization;
import org.ecmpipe.result.ResultBuilder;
import org.ecmpipe.result.Factor;
import org.ecmpipe.submit.SubmissionBody;
import org.ecmpipe.submit.SubmissionClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract between the client and the server: the body core's {@link SubmissionBody} writes for a finished
 * number, sent by core's {@link SubmissionClient}, is accepted by the real server and stored field for field;
 * and the client reads the server's refusals as final.
 */
class SubmissionContractTest extends OnEveryDatabase {
    private static CompositeResult result() {
        Instant t = Instant.parse("2026-11-25T09:00:00Z");
        Factorization f = new Factorization(N);
        f.add(P, 1, Sigma.of(3, 4_011_902_337L));
        f.add(Q, 2, Sigma.of(3, 77_777L));
        return ResultBuilder.of(N, Clock.fixed(t.plusSeconds(20), ZoneOffset.UTC)).factorization(f)
                .bounds(11_000, new BigInteger("1873422")).param(3).stage1(64, 12.3456, false, "cpu").stage2(60, 7.25)
                .ecmVersion("7.0.5").startedAt(t).done();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void whatTheClientWritesTheServerStoresFieldForField(TestDatabases.Kind kind) throws Exception {
        s = new ServerHarness(kind, dir, ServerHarness.settings());
        Submission wire = SubmissionBody.submission(result(), "cunningham", "alice-box1");
        ObjectNode body = SubmissionBody.of(result(), "cunningham", "alice-box1");
        SubmissionClient client = new SubmissionClient(URI.create(s.base + "/api/v1"), 1, Duration.ofMillis(10), Duration.ofSeconds(30));
        body.put("submission_id", wire.submissionId());

        SubmissionClient.Outcome outcome = client.send(body);
        assertThat(outcome).isInstanceOf(SubmissionClient.Outcome.Accepted.class);
        assertThat(((SubmissionClient.Outcome.Accepted) outcome).factorStatus()).isEqualTo("new_factor");
        assertThat(((SubmissionClient.Outcome.Accepted) client.send(body)).factorStatus()).isEqualTo("duplicate");

        Map<String, Object> attempt = s.database.jdbi().withHandle(h -> h.createQuery("SELECT * FROM attempts").mapToMap().one());
        assertThat(attempt.get("submission_id")).isEqualTo(wire.submissionId());
        assertThat(attempt.get("client_id")).isEqualTo("alice-box1");
        assertThat(attempt.get("project")).isEqualTo("cunningham");
        assertThat(attempt.get("method")).isEqualTo("ecm");
        assertThat(attempt.get("program")).isEqualTo("gmp-ecm");
        assertThat(attempt.get("program_version")).isEqualTo("7.0.5");
        assertThat(new BigInteger(attempt.get("b1").toString())).isEqualTo(BigInteger.valueOf(11_000));
        assertThat(new BigInteger(attempt.get("b2").toString())).isEqualTo(new BigInteger("1873422"));
        assertThat(((Number) attempt.get("curves_requested")).intValue()).isEqualTo(64);
        assertThat(((Number) attempt.get("curves_completed")).intValue()).as("stage 2 ran: its curve count").isEqualTo(60);
        assertThat(((Number) attempt.get("parametrization")).intValue()).isEqualTo(3);
        assertThat(attempt.get("sigma")).isEqualTo("3:4011902337");
        assertThat(((Number) attempt.get("execution_time")).doubleValue()).isEqualTo(19.596);
        assertThat(attempt.get("work_hash")).isNotNull();

        var factors = s.database.jdbi().withHandle(h -> h.createQuery("SELECT factor, sigma, prime FROM factors ORDER BY factor")
                .mapToMap().list());
        assertThat(factors).hasSize(2);
        assertThat(factors).anySatisfy(f -> {
            assertThat(f.get("factor")).isEqualTo(P.toString());
            assertThat(f.get("sigma")).isEqualTo("3:4011902337");
            assertThat(f.get("prime")).isEqualTo(true);
        });
        assertThat(factors).anySatisfy(f -> {
            assertThat(f.get("factor")).isEqualTo(Q.toString());
            assertThat(f.get("sigma")).isEqualTo("3:77777");
        });
        var composite = s.json("/api/v1/composites/" + N);
        assertThat(composite.get("project").asText()).isEqualTo("cunningham");
        assertThat(composite.get("cofactor").asText()).isEqualTo(result().cofactor().toString());
        assertThat(composite.get("status").asText()).isEqualTo("fully_factored");

        // the body round-trips through the one wire type unchanged
        assertThat(new org.ecmpipe.api.SubmissionFormat(20_000).read(body.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .isEqualTo(wire);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void factorsTrialDivisionFoundReachTheServerBesideEcmsAndWithoutCurves(TestDatabases.Kind kind) throws Exception {
        s = new ServerHarness(kind, dir, ServerHarness.settings());
        SubmissionClient client = new SubmissionClient(URI.create(s.base + "/api/v1"), 1, Duration.ofMillis(10), Duration.ofSeconds(30));
        Instant t = Instant.parse("2026-11-25T09:00:00Z");
        BigInteger small = BigInteger.valueOf(1009);

        // ECM found P in a number trial division had taken 1009 from: both reported, P first (its sigma is the curve's)
        BigInteger n = N.multiply(small);
        Factorization f = new Factorization(n);
        f.add(small, 0, null);
        f.add(P, 1, Sigma.of(3, 4_011_902_337L));
        CompositeResult withCurves = ResultBuilder.of(n, Clock.fixed(t.plusSeconds(20), ZoneOffset.UTC)).factorization(f)
                .bounds(11_000, null).param(3).stage1(64, 12.0, false, "cpu").ecmVersion("7.0.5").startedAt(t).done();
        Submission wire = SubmissionBody.submission(withCurves, null, "alice-box1");
        assertThat(wire.results().factorFound()).isEqualTo(P);
        assertThat(wire.parameters().sigma()).isEqualTo("3:4011902337");
        assertThat(SubmissionBody.submittable(withCurves)).isTrue();
        assertThat(client.send(SubmissionBody.of(withCurves, null, "alice-box1"))).isInstanceOf(SubmissionClient.Outcome.Accepted.class);
        assertThat(storedFactors()).contains(small.toString(), P.toString());

        // a number trial division settled before any curve: nothing for `run` to send, news for a server that leased it
        BigInteger m = Q.multiply(BigInteger.valueOf(7));
        Factorization g = new Factorization(m);
        g.add(BigInteger.valueOf(7), 0, null);
        CompositeResult noCurves = ResultBuilder.of(m, Clock.fixed(t.plusSeconds(1), ZoneOffset.UTC)).factorization(g)
                .bounds(11_000, null).param(3).stage1(0, 0.0, false, "cpu").ecmVersion("7.0.5").startedAt(t).done();
        assertThat(SubmissionBody.submittable(noCurves)).isFalse();
        assertThat(SubmissionBody.settledBeforeEcm(noCurves)).isTrue();
        assertThat(client.send(SubmissionBody.of(noCurves, null, "alice-box1"))).isInstanceOf(SubmissionClient.Outcome.Accepted.class);
        assertThat(storedFactors()).contains("7");
    }

    private java.util.List<String> storedFactors() {
        return s.database.jdbi().withHandle(h -> h.createQuery("SELECT factor FROM factors").mapTo(String.class).list());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void theClientTakesTheServersRefusalsAsFinalAndKeepsTheDetail(TestDatabases.Kind kind) throws Exception {
        s = new ServerHarness(kind, dir, ServerHarness.settings());
        SubmissionClient client = new SubmissionClient(URI.create(s.base + "/api/v1"), 3, Duration.ofMillis(10), Duration.ofSeconds(30));
        ObjectNode body = SubmissionBody.of(result(), null, "alice-box1");
        ((ObjectNode) body.get("results").get("factors_found").get(0)).put("factor", "7");
        SubmissionClient.Outcome outcome = client.send(body);
        assertThat(outcome).isInstanceOfSatisfying(SubmissionClient.Outcome.Rejected.class, r -> {
            assertThat(r.status()).isEqualTo(422);
            assertThat(r.message()).startsWith("HTTP 422: results.factors_found[0].factor: factor 7 does not divide");
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void theClientWaitsAsLongAsA429AsksAndThenGetsThrough(TestDatabases.Kind kind) throws Exception {
        s = new ServerHarness(kind, dir, ServerHarness.settings().withRate(60, 1)); // one request a second
        SubmissionClient client = new SubmissionClient(URI.create(s.base + "/api/v1"), 2, Duration.ofMillis(10), Duration.ofSeconds(30));
        assertThat(client.send(SubmissionBody.of(result(), null, "alice-box1"))).isInstanceOf(SubmissionClient.Outcome.Accepted.class);
        // the bucket is empty: the server answers 429 with Retry-After: 1, and the client's 10 ms backoff alone would be too short
        assertThat(client.send(SubmissionBody.of(result(), null, "alice-box1"))).isInstanceOf(SubmissionClient.Outcome.Accepted.class);
    }
}
