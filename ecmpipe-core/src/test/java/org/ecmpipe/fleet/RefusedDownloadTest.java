package org.ecmpipe.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.ecmpipe.testing.RealEcm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stage-2 worker whose claimed residue file is refused at download (the file was deleted, or the claim taken back,
 * between the claim and the download): it hands the claim back and goes on, instead of stopping with an error.
 *
 * <p>The server is a stand-in (the JDK's HTTP server on 127.0.0.1 answering the five requests involved): the real
 * server hands out a claim and its file in two requests microseconds apart, so no test can delete the file between
 * them; this one injects that fault. ecm is the real one.
 */
class RefusedDownloadTest {
    @TempDir
    Path dir;
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
        assertThat(RealEcm.liveEcmDescendants()).isZero();
    }

    @Test
    @Timeout(60)
    void aRefusedDownloadHandsTheClaimBackAndTheWorkerGoesOn() throws Exception {
        List<String> requests = new CopyOnWriteArrayList<>();
        AtomicBoolean claimed = new AtomicBoolean();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v1/", exchange -> {
            String path = exchange.getRequestURI().getPath().substring("/api/v1/".length());
            requests.add(exchange.getRequestMethod() + " " + path);
            switch (exchange.getRequestMethod() + " " + path) {
                case "GET work/status" -> reply(exchange, 200, """
                        {"lease_seconds": 60, "active_leases": 0, "leasable_composites": 0,
                         "available_residues": %d, "claimed_residues": 0}""".formatted(claimed.get() ? 0 : 1));
                case "GET residues/work" -> reply(exchange, 200, claimed.getAndSet(true) ? "{\"residue_id\": null}" : """
                        {"residue_id": 7, "composite": "41102504354365448450885492790535450863294320203511315310560701004096184045175663",
                         "b1": 11000, "parametrization": 3, "curve_count": 4}""");
                case "GET residues/7/download", "DELETE residues/7/claim" ->
                        reply(exchange, 404, "{\"detail\": \"residue 7 not found\"}");
                default -> reply(exchange, 404, "{\"detail\": \"the stand-in does not serve this\"}");
            }
        });
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        WorkerSettings settings = new WorkerSettings(WorkerSettings.apiBase(url), "cpu-box", Role.STAGE2, false, null, null,
                1, dir.resolve("cpu-box"), true, null, "fleet-test", 100, Duration.ofMillis(100), Duration.ofMillis(500),
                Duration.ofSeconds(600), Duration.ofSeconds(600));

        WorkerOutcome outcome = new FleetWorker(settings, Clock.systemUTC()).run();

        assertThat(outcome.stopped()).as("the worker ran out of work; it was not stopped by the refusal").isFalse();
        assertThat(outcome.residuesDone()).isZero();
        assertThat(requests).containsSubsequence("GET residues/work", "GET residues/7/download", "DELETE residues/7/claim");
        assertThat(requests).as("a refusal is final: the download is not retried").containsOnlyOnce("GET residues/7/download");
        assertThat(requests).noneMatch(r -> r.startsWith("POST"));
        assertThat(dir.resolve("cpu-box/fleet/finished")).isDirectory();
    }

    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (var out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
