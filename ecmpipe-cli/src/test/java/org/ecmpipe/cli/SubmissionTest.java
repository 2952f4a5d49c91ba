package org.ecmpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.ecmpipe.server.Database;
import org.ecmpipe.server.ResultsServer;
import org.ecmpipe.testing.PlantedNumbers;
import org.ecmpipe.testing.RealEcm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Results submitted by {@code ecmpipe run} to a real results server on loopback; the outbox and resend. */
class SubmissionTest {
    private final Console console = new Console();
    private final ObjectMapper mapper = new ObjectMapper();
    private Database database;
    private ResultsServer server;

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (database != null) {
            database.close();
        }
        assertThat(RealEcm.liveEcmDescendants()).isZero();
    }

    private String startServer() {
        database = Database.embedded(dir.resolve("server"));
        server = new ResultsServer(database, null).start("127.0.0.1", 0);
        return "http://127.0.0.1:" + server.port() + "/api/v1";
    }

    private List<PlantedNumbers.Planted> numbers() {
        return List.of(PlantedNumbers.planted(61, 7, 40, 40), PlantedNumbers.planted(62, 40, 42)); // p40s: out of reach of B1=11000
    }

    private Path numbersFile() throws Exception {
        return Files.write(dir.resolve("n.txt"), numbers().stream().map(p -> p.n().toString()).toList());
    }

    @Test
    void runSubmitsEveryFinishedNumber() throws Exception {
        String api = startServer();
        int code = run("run", "--numbers-file", numbersFile().toString(), "--no-gpu", "--b1", "11000", "--curves", "16",
                "--stage2-workers", "2", "--work-dir", dir.resolve("w").toString(), "--api-endpoint", api, "--project", "test");
        assertThat(code).as(console.err.toString()).isZero();
        assertThat(console.out.toString()).contains("submissions: 2 sent, 0 already on the server, 0 refused, 0 waiting");
        JsonNode first = composite(api, numbers().getFirst().n());
        assertThat(first.get("project").asText()).isEqualTo("test");
        assertThat(first.get("attempt_count").asInt()).isEqualTo(1);
        assertThat(first.get("factors").get(0).get("factor").asText()).isEqualTo(numbers().getFirst().smallest().toString());
        assertThat(first.get("factors").get(0).get("sigma").asText()).startsWith("3:");
        assertThat(first.get("curves_by_b1").get(0).get("b1").asText()).isEqualTo("11000");
        JsonNode second = composite(api, numbers().get(1).n());
        assertThat(second.get("factors")).isEmpty();
        assertThat(second.get("curves_by_b1").get(0).get("curves").asInt()).isEqualTo(16);
        assertThat(outbox()).isEmpty();
    }

    @Test
    void unreachableServerFillsTheOutboxAndResendDeliversEachResultOnce() throws Exception {
        // a port nobody listens on: start a server, note its port, stop it
        String deadApi = startServer();
        server.close();
        database.close();
        server = null;
        database = null;
        int code = run("run", "--numbers-file", numbersFile().toString(), "--no-gpu", "--b1", "11000", "--curves", "8",
                "--work-dir", dir.resolve("w").toString(), "--api-endpoint", deadApi);
        assertThat(code).as(console.err.toString()).isZero();
        assertThat(console.out.toString()).contains("2 waiting in the outbox");
        assertThat(outbox()).hasSize(2);
        Path kept = Files.copy(outbox().getFirst(), dir.resolve("copy.json"));

        String api = startServer();
        assertThat(run("resend", "--work-dir", dir.resolve("w").toString(), "--api-endpoint", api)).isZero();
        assertThat(console.out.toString()).contains("2 sent, 0 already on the server, 0 refused, 0 still waiting");
        assertThat(outbox()).isEmpty();
        assertThat(run("resend", "--work-dir", dir.resolve("w").toString(), "--api-endpoint", api)).isZero();
        assertThat(console.out.toString()).contains("nothing to send");

        // a crash between the server storing a result and the outbox entry's removal: the resend counts once
        Files.copy(kept, dir.resolve("w/outbox").resolve(kept.getFileName()));
        assertThat(run("resend", "--work-dir", dir.resolve("w").toString(), "--api-endpoint", api)).isZero();
        assertThat(console.out.toString()).contains("0 sent, 1 already on the server");
        for (PlantedNumbers.Planted p : numbers()) {
            assertThat(composite(api, p.n()).get("attempt_count").asInt()).isEqualTo(1);
        }
    }

    @Test
    void aResultTheServerRefusesIsSetAsideWithTheReason() throws Exception {
        String api = startServer();
        Path outboxDir = Files.createDirectories(dir.resolve("w/outbox"));
        ObjectNode bad = mapper.createObjectNode().put("submission_id", "bad-1").put("composite", "1000000007")
                .put("client_id", "x").put("method", "ecm").put("program", "gmp-ecm");
        bad.putObject("parameters").put("b1", 11000);
        bad.putObject("results").put("curves_completed", 1).putArray("factors_found").addObject().put("factor", "3");
        Files.writeString(outboxDir.resolve("bad-1.json"), bad.toString());
        assertThat(run("resend", "--work-dir", dir.resolve("w").toString(), "--api-endpoint", api)).isEqualTo(ExitCodes.PARTIAL);
        assertThat(outbox()).isEmpty();
        assertThat(Files.readString(outboxDir.resolve("rejected/bad-1.json.reason.txt"))).contains("HTTP 422", "does not divide");
    }

    private List<Path> outbox() throws Exception {
        Path o = dir.resolve("w/outbox");
        if (!Files.isDirectory(o)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(o)) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
    }

    private JsonNode composite(String api, BigInteger n) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(api + "/composites/" + n)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return mapper.readTree(r.body());
    }

    @Test
    void aTargetRunCountsWorkTheServerKnowsFromOtherClients() throws Exception {
        String endpoint = startServer();
        Path numbers = Files.writeString(dir.resolve("t.txt"), PlantedNumbers.planted(77, 35, 35).n() + "\n"); // nothing t20 work finds
        // one machine brings the number to t20 and submits it
        assertThat(run("run", "--numbers-file", numbers.toString(), "--no-gpu", "--target-t", "20", "--work-dir",
                dir.resolve("box1").toString(), "--api-endpoint", endpoint)).as(console.err.toString()).isEqualTo(ExitCodes.OK);
        // another, with an empty work dir, asks for t20 too: the server's t-level says it is there already
        assertThat(run("run", "--numbers-file", numbers.toString(), "--no-gpu", "--target-t", "20", "--work-dir",
                dir.resolve("box2").toString(), "--api-endpoint", endpoint)).as(console.err.toString()).isEqualTo(ExitCodes.OK);
        assertThat(Files.exists(dir.resolve("box2/results.jsonl"))
                && !Files.readString(dir.resolve("box2/results.jsonl")).isBlank()).isFalse();
        assertThat(Files.readString(dir.resolve("box2/ecmpipe.log"))).contains("(target t20.00): skipped");
    }

    private int run(String... args) {
        return console.run(args);
    }
}
