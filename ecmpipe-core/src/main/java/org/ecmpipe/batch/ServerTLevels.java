package org.ecmpipe.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.OptionalDouble;
import org.ecmpipe.submit.LazyHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A composite's t-level as the results server knows it ({@code GET ENDPOINT/stats/{number}}: all work every client
 * reported), for rounds towards a target when submitting. Unreachable or unknown: empty, and the run goes by its own
 * results file (said once).
 */
final class ServerTLevels implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServerTLevels.class);
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI endpoint;
    private final LazyHttpClient http = new LazyHttpClient(TIMEOUT);
    private final ObjectMapper mapper = new ObjectMapper();
    private volatile boolean unreachable;

    ServerTLevels(URI endpoint) {
        String base = endpoint.toString();
        this.endpoint = URI.create(base.endsWith("/") ? base : base + "/");
    }

    OptionalDouble tLevel(BigInteger number) {
        if (unreachable) {
            return OptionalDouble.empty();
        }
        try {
            HttpResponse<String> r = http.get().send(HttpRequest.newBuilder(endpoint.resolve("stats/" + number)).timeout(TIMEOUT)
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return OptionalDouble.empty(); // not on the server yet
            }
            JsonNode t = mapper.readTree(r.body()).get("current_t_level");
            return t == null || !t.isNumber() ? OptionalDouble.empty() : OptionalDouble.of(t.asDouble());
        } catch (IOException e) {
            unreachable = true;
            log.warn("results server {} unreachable ({}): t-levels come from the results file only", endpoint,
                    e.getMessage());
            return OptionalDouble.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalDouble.empty();
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
