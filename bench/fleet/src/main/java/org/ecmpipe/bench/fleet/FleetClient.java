package org.ecmpipe.bench.fleet;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * HTTP to the fleet's server processes with fail-over, as a worker does it: each request goes to the server the
 * worker prefers; on a connection failure (refused, reset: the process was killed) or a 503 it goes to the next
 * server with the same body (so a submission keeps its submission_id), round and round until {@code giveUp}.
 */
final class FleetClient {

    /** An answer: the server that gave it, the status, the body, and the time of that one exchange. */
    record Answer(int server, int status, byte[] body, HttpResponse<byte[]> response, long nanos) {
        String text() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }

        boolean ok() {
            return status / 100 == 2;
        }
    }

    /** Thrown when no server answered before the give-up time. */
    static final class GaveUp extends Exception {
        GaveUp(String what) {
            super(what);
        }
    }

    /** What one server did: answers, connection failures (with the first and last time, ms into the run). */
    static final class ServerStats {
        final AtomicLong answers = new AtomicLong();
        final AtomicLong connectionFailures = new AtomicLong();
        final AtomicLong unavailable = new AtomicLong();
        final AtomicLong firstFailureMillis = new AtomicLong(Long.MAX_VALUE);
        final AtomicLong lastFailureMillis = new AtomicLong(-1);
        final AtomicLong answersAfterLastFailure = new AtomicLong();
    }

    private final List<URI> servers;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3))
            .version(HttpClient.Version.HTTP_1_1).build();
    private final ServerStats[] stats;
    private final long startNanos;
    private final AtomicLong failovers = new AtomicLong();

    FleetClient(List<URI> servers, long startNanos) {
        this.servers = servers;
        this.startNanos = startNanos;
        this.stats = new ServerStats[servers.size()];
        for (int i = 0; i < stats.length; i++) {
            stats[i] = new ServerStats();
        }
    }

    int servers() {
        return servers.size();
    }

    ServerStats stats(int server) {
        return stats[server];
    }

    long failovers() {
        return failovers.get();
    }

    /**
     * Sends the request built for each server's base URI, starting with {@code preferred}, failing over as above.
     * Any answer but 503 is returned (4xx included: the caller decides).
     */
    Answer send(int preferred, Function<URI, HttpRequest> request, long giveUpNanos) throws GaveUp, InterruptedException {
        int server = Math.floorMod(preferred, servers.size());
        int tries = 0;
        while (true) {
            HttpRequest r = request.apply(servers.get(server));
            long t0 = System.nanoTime();
            try {
                HttpResponse<byte[]> response = http.send(r, HttpResponse.BodyHandlers.ofByteArray());
                long nanos = System.nanoTime() - t0;
                if (response.statusCode() != 503) {
                    stats[server].answers.incrementAndGet();
                    if (stats[server].lastFailureMillis.get() >= 0) {
                        stats[server].answersAfterLastFailure.incrementAndGet();
                    }
                    return new Answer(server, response.statusCode(), response.body(), response, nanos);
                }
                stats[server].unavailable.incrementAndGet();
            } catch (HttpTimeoutException e) {
                failed(server); // a server that stopped answering counts as gone
            } catch (IOException e) {
                failed(server);
            }
            tries++;
            if (System.nanoTime() > giveUpNanos) {
                throw new GaveUp(r.method() + " " + r.uri().getPath() + " after " + tries + " tries");
            }
            failovers.incrementAndGet();
            server = (server + 1) % servers.size();
            if (tries % servers.size() == 0) {
                Thread.sleep(200); // every server failed once: give a restarting one a moment
            }
        }
    }

    private void failed(int server) {
        long ms = (System.nanoTime() - startNanos) / 1_000_000;
        stats[server].connectionFailures.incrementAndGet();
        stats[server].firstFailureMillis.accumulateAndGet(ms, Math::min);
        stats[server].lastFailureMillis.accumulateAndGet(ms, Math::max);
        stats[server].answersAfterLastFailure.set(0);
    }
}
