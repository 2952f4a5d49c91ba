package org.ecmpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.ecmpipe.server.Database;
import org.ecmpipe.server.ResultsServer;
import org.ecmpipe.server.ServerSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ecmpipe admin add} against a real results server on loopback (embedded H2). */
class AdminAddCommandTest {
    private static final String KEY = "admin-add-test-key";

    @TempDir
    Path dir;
    private Database database;
    private ResultsServer server;
    private String url;
    private final Console console = new Console();

    @BeforeEach
    void start() {
        database = Database.embedded(dir.resolve("server"));
        server = new ResultsServer(database, ServerSettings.defaults(KEY).withRate(0, 1), Clock.systemUTC()).start("127.0.0.1", 0);
        url = "http://127.0.0.1:" + server.port();
    }

    @AfterEach
    void stop() {
        server.close();
        database.close();
    }

    private int run(Map<String, String> env, String... args) {
        CommandLine cli = new CommandLine(new AdminAddCommand(env));
        cli.setOut(new PrintWriter(console.out, true));
        cli.setErr(new PrintWriter(console.err, true));
        return cli.execute(args);
    }

    private JsonNode composite(String number) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/api/v1/composites/" + number))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new ObjectMapper().readTree(r.body());
    }

    @Test
    void addsNumbersWithTargetPriorityProjectAndReportsDuplicatesAndKnownOnes() throws Exception {
        String c = "1522605027922533360535618378132637429718068114961380688657908494580122963258952897654000350692006139";
        Path numbers = Files.write(dir.resolve("numbers.txt"), List.of("# RSA-100", c, "", "(10^71-1)/9", c));
        int code = run(Map.of(AdminAddCommand.KEY_VARIABLE, KEY), "--server", url + "/api/v1/", "--target-t", "35",
                "--priority", "5", "--project", "rsa", numbers.toString());
        assertThat(code).as(console.err.toString()).isZero();
        assertThat(console.out.toString()).contains("2 added, 0 already known, 1 given twice").contains("given twice: " + numbers + " line 5");
        JsonNode rsa = composite(c);
        assertThat(rsa.get("target_t_level").asDouble()).isEqualTo(35);
        assertThat(rsa.get("priority").asInt()).isEqualTo(5);
        assertThat(rsa.get("project").asText()).isEqualTo("rsa");
        assertThat(rsa.get("curves_to_target").asLong()).isPositive();

        // again, with the key from a file: both are known now
        Path keyFile = Files.writeString(dir.resolve("key"), KEY + "\n");
        console.out.getBuffer().setLength(0);
        assertThat(run(Map.of(), "--server", url, "--admin-key-file", keyFile.toString(), numbers.toString())).isZero();
        assertThat(console.out.toString()).contains("0 added, 2 already known").contains("already known: 1522605027922533360535618");
    }

    @Test
    void refusalsNameTheLineAndMissingKeysAreUsageErrors() throws Exception {
        Path numbers = Files.write(dir.resolve("bad.txt"), List.of("1234567891011", "10/3"));
        assertThat(run(Map.of(), "--server", url, numbers.toString())).isEqualTo(ExitCodes.USAGE);
        assertThat(console.err.toString()).contains("ECMPIPE_ADMIN_KEY");
        console.err.getBuffer().setLength(0);
        assertThat(run(Map.of(AdminAddCommand.KEY_VARIABLE, "wrong"), "--server", url, numbers.toString())).isEqualTo(ExitCodes.USAGE);
        assertThat(console.err.toString()).contains("HTTP 401");
        console.err.getBuffer().setLength(0);
        assertThat(run(Map.of(AdminAddCommand.KEY_VARIABLE, KEY), "--server", url, numbers.toString())).isEqualTo(ExitCodes.USAGE);
        assertThat(console.err.toString()).contains("HTTP 422").contains(numbers + " line 2");
        console.err.getBuffer().setLength(0);
        assertThat(run(Map.of(AdminAddCommand.KEY_VARIABLE, KEY), "--server", "ftp://x", numbers.toString())).isEqualTo(ExitCodes.USAGE);
        assertThat(console.err.toString()).contains("--server");
        console.err.getBuffer().setLength(0);
        server.close();
        assertThat(run(Map.of(AdminAddCommand.KEY_VARIABLE, KEY), "--server", url, numbers.toString()))
                .isEqualTo(ExitCodes.RUNTIME_FAILURE);
        assertThat(console.err.toString()).contains("cannot reach");
    }
}
