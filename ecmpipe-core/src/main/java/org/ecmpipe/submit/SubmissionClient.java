package org.ecmpipe.submit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Sends one submission to {@code ENDPOINT/submit_result} with the JDK's HttpClient: up to {@code tries} tries
 * with doubling backoff on network errors, 5xx, 408 and 429 (waiting at least what a {@code Retry-After} asks,
 * up to a minute); any other 4xx is final (the server will never take that body). A refusal's message is the
 * server's {@code detail} (the ecm-wrapper / FastAPI error shape) when it sends one.
 *
 * <p>The HttpClient is made at the first send, on the caller's thread (the submitter's), not when the run starts,
 * and {@link #close} ends it ({@link LazyHttpClient}).
 */
public final class SubmissionClient implements AutoCloseable {

    /** How a send ended. */
    public sealed interface Outcome {
        /** Stored (or recognised as already stored); {@code factorStatus} as the server said. */
        record Accepted(String factorStatus, long attemptId) implements Outcome {
        }

        /** The server refuses this body for good. */
        record Rejected(int status, String message) implements Outcome {
        }

        /** Not delivered after every try (server unreachable or failing). */
        record Failed(String message, boolean unreachable) implements Outcome {
        }
    }

    private final ObjectMapper mapper = new ObjectMapper();
    private final LazyHttpClient http;
    private final URI submitUri;
    private final int tries;
    private final Duration backoff;
    private final Duration timeout;

    /** Waits between tries; tests pass one that records the waits instead of sleeping. */
    @FunctionalInterface
    public interface Sleeper {
        Sleeper REAL = d -> Thread.sleep(d.toMillis());

        void sleep(Duration duration) throws InterruptedException;
    }

    private final Sleeper sleeper;

    public SubmissionClient(URI endpoint, int tries, Duration backoff, Duration timeout) {
        this(endpoint, tries, backoff, timeout, Sleeper.REAL);
    }

    public SubmissionClient(URI endpoint, int tries, Duration backoff, Duration timeout, Sleeper sleeper) {
        this.sleeper = sleeper;
        String base = endpoint.toString().endsWith("/") ? endpoint.toString() : endpoint + "/";
        this.submitUri = URI.create(base + "submit_result");
        this.tries = tries;
        this.backoff = backoff;
        this.timeout = timeout;
        this.http = new LazyHttpClient(timeout);
    }

    /** Ends the HttpClient, if one was made: a send in progress fails, later sends fail at once. */
    @Override
    public void close() {
        http.close();
    }

    public URI submitUri() {
        return submitUri;
    }

    public Outcome send(ObjectNode body) throws InterruptedException {
        String json = body.toString();
        String last = "";
        boolean unreachable = false;
        Duration wait = backoff;
        Duration asked = Duration.ZERO;
        for (int attempt = 1; attempt <= tries; attempt++) {
            if (attempt > 1) {
                sleeper.sleep(wait.compareTo(asked) >= 0 ? wait : asked);
                wait = wait.multipliedBy(2);
            }
            try {
                HttpResponse<String> response = http.get().send(HttpRequest.newBuilder(submitUri).timeout(timeout)
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                        HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status == 200 || status == 201) {
                    JsonNode answer = mapper.readTree(response.body());
                    return new Outcome.Accepted(answer.path("factor_status").asText("no_factor"), answer.path("attempt_id").asLong());
                }
                last = "HTTP " + status + ": " + abbreviate(detail(response.body()));
                unreachable = false;
                asked = retryAfter(response);
                if (status >= 400 && status < 500 && status != 408 && status != 429) {
                    return new Outcome.Rejected(status, last);
                }
            } catch (IOException e) {
                last = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                unreachable = true;
            }
        }
        return new Outcome.Failed(last, unreachable);
    }

    /** The {@code detail} of a JSON error body, else the body itself. */
    private String detail(String body) {
        try {
            JsonNode detail = mapper.readTree(body).path("detail");
            return detail.isTextual() ? detail.asText() : detail.isMissingNode() ? body : detail.toString();
        } catch (IOException | RuntimeException e) {
            return body;
        }
    }

    /** What a {@code Retry-After: SECONDS} header asks, at most a minute; zero without one. */
    private static Duration retryAfter(HttpResponse<String> response) {
        try {
            return response.headers().firstValue("Retry-After").map(v -> Duration.ofSeconds(Math.min(60, Long.parseLong(v.strip()))))
                    .orElse(Duration.ZERO);
        } catch (NumberFormatException e) {
            return Duration.ZERO; // an HTTP date: the doubling backoff applies
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }
}
