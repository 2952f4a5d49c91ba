package org.ecmpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ecmpipe.server.Database;
import org.junit.jupiter.api.Assumptions;

/**
 * {@code ecmpipe server} processes for fault tests: child JVMs on the test classpath, 127.0.0.1, port given or
 * free, an admin key, no rate limit; killed (SIGKILL) and reaped by {@link #close()}.
 */
final class ServerFleet implements AutoCloseable {
    static final String ADMIN_KEY = "fleet-fault-admin-key";
    private static final Pattern LISTENING = Pattern.compile("ecmpipe server on http://[^:]+:(\\d+)/");

    /** A running server process and its port. */
    record Server(Process process, int port) {
        URI base() {
            return URI.create("http://127.0.0.1:" + port);
        }

        /** kill -9, and wait until the process is gone. */
        void kill() throws InterruptedException {
            process.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no flush
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("killed server exits").isTrue();
        }
    }

    final ObjectMapper mapper = new ObjectMapper();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3))
            .version(HttpClient.Version.HTTP_1_1).build();
    private final List<Process> processes = new ArrayList<>();

    /** The server arguments for the configured PostgreSQL, emptied; skips the test when none is configured outside CI. */
    static List<String> postgres() {
        String url = System.getenv("ECMPIPE_TEST_POSTGRES_URL");
        Assumptions.assumeTrue(url != null && !url.isBlank() || "true".equals(System.getenv("CI")),
                "no PostgreSQL (set ECMPIPE_TEST_POSTGRES_URL)");
        try (Database db = postgresDatabase()) {
            db.jdbi().useHandle(h -> h.execute("TRUNCATE factors, attempts, composites RESTART IDENTITY CASCADE"));
        }
        return List.of("--db-url", url, "--db-user", System.getenv("ECMPIPE_TEST_POSTGRES_USER"),
                "--db-password-env", "ECMPIPE_TEST_DB_PASSWORD");
    }

    /** A connection pool of the test's own on the configured PostgreSQL (to check what the servers stored). */
    static Database postgresDatabase() {
        String url = System.getenv("ECMPIPE_TEST_POSTGRES_URL");
        if (url == null || url.isBlank()) {
            throw new IllegalStateException("CI must test PostgreSQL: set ECMPIPE_TEST_POSTGRES_URL (see .ci/run)");
        }
        return Database.connect(url, System.getenv("ECMPIPE_TEST_POSTGRES_USER"), System.getenv("ECMPIPE_TEST_POSTGRES_PASSWORD"));
    }

    static List<String> h2(Path dataDir) {
        return List.of("--data-dir", dataDir.toString());
    }

    /** Starts a server on {@code port} (0: a free one) and waits for its "listening" line (60 s at most). */
    Server start(int port, List<String> serverArgs) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), "org.ecmpipe.cli.Main", "server",
                "--host", "127.0.0.1", "--port", Integer.toString(port), "--rate-limit", "0"));
        command.addAll(serverArgs);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("ADMIN_API_KEY_FILE");
        pb.environment().remove("ECMPIPE_ADMIN_KEY");
        pb.environment().put("ADMIN_API_KEY", ADMIN_KEY);
        pb.environment().put("ECMPIPE_TEST_DB_PASSWORD", String.valueOf(System.getenv("ECMPIPE_TEST_POSTGRES_PASSWORD")));
        Process p = pb.start();
        processes.add(p);
        StringBuilder output = new StringBuilder();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String line;
        while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
            output.append(line).append('\n');
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                Thread.ofPlatform().daemon().start(() -> out.lines().forEach(l -> { }));
                return new Server(p, Integer.parseInt(m.group(1)));
            }
        }
        throw new AssertionError("the server did not start:\n" + output);
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode ok(HttpResponse<String> r) throws IOException {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return mapper.readTree(r.body());
    }

    /** Adds composites through the admin API. */
    JsonNode add(Server s, String body) throws IOException, InterruptedException {
        return ok(send(HttpRequest.newBuilder(s.base().resolve("/api/v1/admin/composites")).header("Content-Type", "application/json")
                .header("X-Admin-Key", ADMIN_KEY).POST(HttpRequest.BodyPublishers.ofString(body))));
    }

    JsonNode get(Server s, String pathAndQuery) throws IOException, InterruptedException {
        return ok(send(HttpRequest.newBuilder(s.base().resolve(pathAndQuery)).GET()));
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
