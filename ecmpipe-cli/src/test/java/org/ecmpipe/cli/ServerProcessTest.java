package org.ecmpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ecmpipe.server.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ecmpipe server} as a separate JVM, as an operator runs it: kill -9 in the middle of concurrent
 * submissions loses none that were acknowledged (H2 and PostgreSQL); a second server on the same H2 data
 * directory is refused with a clear message.
 */
class ServerProcessTest {
    private static final Pattern LISTENING = Pattern.compile("ecmpipe server on http://[^:]+:(\\d+)/");
    private static final int SUBMITTERS = 16;
    private static final int ACKS_BEFORE_KILL = 400;

    private final ObjectMapper mapper = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Process> processes = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void stopProcesses() throws InterruptedException {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** A running server process and its port. */
    private record Server(Process process, int port, StringBuilder output) {
    }

    private Process launch(List<String> serverArgs) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.ecmpipe.cli.Main", "server", "--port", "0",
                "--rate-limit", "0"));
        command.addAll(serverArgs);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.remove("ADMIN_API_KEY");
        env.remove("ADMIN_API_KEY_FILE");
        env.remove("ECMPIPE_ADMIN_KEY");
        env.put("ECMPIPE_TEST_DB_PASSWORD", String.valueOf(System.getenv("ECMPIPE_TEST_POSTGRES_PASSWORD")));
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private Server start(List<String> serverArgs) throws Exception {
        Process p = launch(serverArgs);
        StringBuilder output = new StringBuilder();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String line;
        while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
            output.append(line).append('\n');
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                Thread.ofPlatform().daemon().start(() -> out.lines().forEach(l -> { }));
                return new Server(p, Integer.parseInt(m.group(1)), output);
            }
        }
        throw new AssertionError("the server did not start:\n" + output);
    }

    private List<String> h2() {
        return List.of("--data-dir", dir.resolve("data").toString());
    }

    private List<String> postgres() {
        String url = System.getenv("ECMPIPE_TEST_POSTGRES_URL");
        Assumptions.assumeTrue(url != null && !url.isBlank() || "true".equals(System.getenv("CI")),
                "no PostgreSQL (set ECMPIPE_TEST_POSTGRES_URL)");
        try (Database db = Database.connect(url, System.getenv("ECMPIPE_TEST_POSTGRES_USER"),
                System.getenv("ECMPIPE_TEST_POSTGRES_PASSWORD"))) {
            db.jdbi().useHandle(h -> h.execute("TRUNCATE factors, attempts, composites RESTART IDENTITY CASCADE"));
        }
        return List.of("--db-url", url, "--db-user", System.getenv("ECMPIPE_TEST_POSTGRES_USER"),
                "--db-password-env", "ECMPIPE_TEST_DB_PASSWORD");
    }

    @Test
    void killMinus9LosesNoAcknowledgedSubmissionOnH2() throws Exception {
        killDuringSubmissions(h2());
    }

    @Test
    void killMinus9LosesNoAcknowledgedSubmissionOnPostgres() throws Exception {
        killDuringSubmissions(postgres());
    }

    private void killDuringSubmissions(List<String> serverArgs) throws Exception {
        Server first = start(serverArgs);
        String url = "http://127.0.0.1:" + first.port() + "/api/v1/submit_result";
        ConcurrentLinkedQueue<ObjectNode> acknowledged = new ConcurrentLinkedQueue<>();
        AtomicInteger sent = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger serverErrors = new AtomicInteger();
        try (ExecutorService submitters = Executors.newFixedThreadPool(SUBMITTERS)) {
            for (int t = 0; t < SUBMITTERS; t++) {
                int thread = t;
                submitters.submit(() -> {
                    for (int i = 0; !stop.get() && i < 5000; i++) {
                        ObjectNode body = body(thread, i);
                        sent.incrementAndGet();
                        try {
                            HttpResponse<String> r = post(url, body);
                            if (r.statusCode() / 100 == 2) {
                                acknowledged.add(body);
                            } else if (r.statusCode() >= 500) {
                                serverErrors.incrementAndGet();
                            }
                        } catch (IOException e) {
                            // the server is gone: not acknowledged
                        }
                    }
                    return null;
                });
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (acknowledged.size() < ACKS_BEFORE_KILL && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            first.process().destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no flush
            first.process().waitFor(30, TimeUnit.SECONDS);
            stop.set(true);
        }
        assertThat(acknowledged.size()).as("acknowledged before the kill").isGreaterThanOrEqualTo(ACKS_BEFORE_KILL);
        assertThat(serverErrors.get()).as("5xx answers").isZero();

        Server second = start(serverArgs);
        String again = "http://127.0.0.1:" + second.port() + "/api/v1/submit_result";
        List<String> lost = new ArrayList<>();
        for (ObjectNode body : acknowledged) {
            HttpResponse<String> r = post(again, body);
            JsonNode answer = mapper.readTree(r.body());
            if (r.statusCode() != 200 || !"duplicate".equals(answer.path("factor_status").asText())) {
                lost.add(body.get("submission_id").asText() + " -> " + r.statusCode() + " " + r.body());
            }
        }
        System.out.printf("kill -9: %d sent, %d acknowledged, %d of them lost%n", sent.get(), acknowledged.size(), lost.size());
        assertThat(lost).as("acknowledged submissions missing after kill -9 and restart").isEmpty();
    }

    @Test
    void aSecondServerOnTheSameH2DataDirIsRefusedWithAClearMessage() throws Exception {
        start(h2());
        Process second = launch(h2());
        String output = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(second.exitValue()).isNotZero();
        assertThat(output).contains("is in use by another process").contains("--db-url").doesNotContain("90020");
    }

    private ObjectNode body(int thread, int i) {
        ObjectNode body = mapper.createObjectNode();
        // a few composites, so that submissions contend for the same row lock
        BigInteger n = new BigInteger("1000000016000000063").add(BigInteger.valueOf(2L * (i % 4)));
        body.put("submission_id", "kill-" + thread + "-" + i).put("composite", n.toString()).put("client_id", "t" + thread)
                .put("method", "ecm").put("program", "gmp-ecm");
        body.putObject("parameters").put("b1", 11000).put("curves", 8).put("sigma", "3:" + (thread * 100_000L + i + 1));
        body.putObject("results").put("curves_completed", 8).put("execution_time", 0.5);
        return body;
    }

    private HttpResponse<String> post(String url, ObjectNode body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
