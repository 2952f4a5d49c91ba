package org.ecmpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.ecmpipe.result.CompositeResult;
import org.ecmpipe.result.ResultBuilder;
import org.ecmpipe.server.Database;
import org.ecmpipe.server.ResultsServer;
import org.ecmpipe.submit.Outbox;
import org.ecmpipe.submit.SubmissionClient;
import org.ecmpipe.submit.Submitter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Submission against a real results server that fails and then recovers. The failures are injected by a small
 * loopback proxy in front of the real server (a fault injector, not a stand-in for the server): it answers 503 to the
 * first requests, then forwards. The client's waits between tries go to a recording sleeper, not a real sleep.
 */
class SubmissionRetryTest {
    private final ObjectMapper mapper = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Duration> waits = new CopyOnWriteArrayList<>();
    private Database database;
    private ResultsServer server;
    private HttpServer proxy;

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.stop(0);
        }
        if (server != null) {
            server.close();
        }
        if (database != null) {
            database.close();
        }
    }

    /** Starts the real server and the fault proxy; the proxy fails the first {@code failures} requests with 503. */
    private URI start(AtomicInteger failures, AtomicInteger seen) throws IOException {
        database = Database.embedded(dir.resolve("server"));
        server = new ResultsServer(database, null).start("127.0.0.1", 0);
        URI real = URI.create("http://127.0.0.1:" + server.port());
        proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        proxy.createContext("/", exchange -> {
            seen.incrementAndGet();
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (failures.getAndDecrement() > 0) {
                byte[] answer = "{\"detail\":\"database unavailable\"}".getBytes();
                exchange.getResponseHeaders().add("Retry-After", "1");
                exchange.sendResponseHeaders(503, answer.length);
                exchange.getResponseBody().write(answer);
                exchange.close();
                return;
            }
            try {
                HttpResponse<byte[]> forwarded = http.send(HttpRequest.newBuilder(real.resolve(exchange.getRequestURI()))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                exchange.sendResponseHeaders(forwarded.statusCode(), forwarded.body().length);
                exchange.getResponseBody().write(forwarded.body());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.sendResponseHeaders(502, -1);
            }
            exchange.close();
        });
        proxy.start();
        return URI.create("http://127.0.0.1:" + proxy.getAddress().getPort() + "/api/v1");
    }

    private static CompositeResult result(BigInteger n) {
        return ResultBuilder.of(n, Clock.systemUTC()).bounds(11000, BigInteger.valueOf(1873422)).param(3)
                .stage1(16, 1.0, false, "cpu").stage2(16, 2.0).ecmVersion("7.0.5").done();
    }

    private JsonNode stored(BigInteger n) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/api/v1/composites/" + n)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return mapper.readTree(r.body());
    }

    @Test
    void retriesWithDoublingBackoffUntilTheServerRecoversAndStoresTheResultOnce() throws Exception {
        AtomicInteger failures = new AtomicInteger(2);
        AtomicInteger seen = new AtomicInteger();
        URI endpoint = start(failures, seen);
        BigInteger n = new BigInteger("1086370673651039305480189487473899229023406697946064192003");
        Outbox outbox = new Outbox(dir.resolve("outbox"));
        SubmissionClient client = new SubmissionClient(endpoint, 3, Duration.ofSeconds(1), Duration.ofSeconds(10), waits::add);
        try (Submitter submitter = new Submitter(outbox, client, "retry-test", "tester-box")) {
            submitter.accept(result(n));
            Submitter.Stats stats = submitter.drain(Duration.ofSeconds(30));
            assertThat(stats.accepted()).isEqualTo(1);
            assertThat(stats.waiting()).isZero();
        }
        assertThat(seen.get()).isEqualTo(3);
        assertThat(waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThat(stored(n).get("attempt_count").asInt()).isEqualTo(1);
        assertThat(outbox.pending()).isEmpty();
    }

    @Test
    void aServerDownPastEveryTryKeepsTheResultInTheOutboxAndAResendDeliversItOnce() throws Exception {
        AtomicInteger failures = new AtomicInteger(3);
        AtomicInteger seen = new AtomicInteger();
        URI endpoint = start(failures, seen);
        BigInteger n = new BigInteger("1326980445383").multiply(new BigInteger("818678735945867951063078448165632300162471141"));
        Outbox outbox = new Outbox(dir.resolve("outbox"));
        try (Submitter submitter = new Submitter(outbox, new SubmissionClient(endpoint, 3, Duration.ofSeconds(1),
                Duration.ofSeconds(10), waits::add), null, "tester-box")) {
            submitter.accept(result(n));
            assertThat(submitter.drain(Duration.ofSeconds(30)).waiting()).isEqualTo(1);
        }
        assertThat(seen.get()).isEqualTo(3);
        // the server has recovered: the next sender (a later run, or ecmpipe resend) delivers it
        try (Submitter later = new Submitter(outbox, new SubmissionClient(endpoint, 3, Duration.ofSeconds(1),
                Duration.ofSeconds(10), waits::add), null, "tester-box")) {
            assertThat(later.resendPending()).isEqualTo(1);
            assertThat(later.drain(Duration.ofSeconds(30)).accepted()).isEqualTo(1);
        }
        assertThat(outbox.pending()).isEmpty();
        assertThat(stored(n).get("attempt_count").asInt()).isEqualTo(1);
    }
}
