package org.ecmpipe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ecmpipe admin add}: adds numbers to a results server's composite queue. */
@Command(name = "add", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Add the numbers in FILE (one number or expression such as (10^71-1)/9 per line; blank lines and"
                + " lines starting with # are skipped; - reads stdin) to the server's composite queue. Numbers given twice"
                + " and numbers the server already knows are reported, not added again. The admin key comes from the"
                + " environment variable ECMPIPE_ADMIN_KEY or from --admin-key-file.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every number was added or reported as known", "1:the server could not be reached or failed",
                "2:usage error, or the server refused a line (named in the message)"})
public final class AdminAddCommand implements Callable<Integer> {
    static final String KEY_VARIABLE = "ECMPIPE_ADMIN_KEY";
    /** The server takes at most this many numbers a request. */
    static final int CHUNK = 10_000;

    @Spec
    private CommandSpec spec;

    @Option(names = "--server", required = true, paramLabel = "URL",
            description = "The results server, e.g. http://localhost:8000 (an /api/v1 suffix is accepted).")
    String server;
    @Option(names = "--target-t", paramLabel = "T",
            description = "Target t-level for these numbers. Default: the server's (4/13 of the digits, 10..85).")
    Double targetT;
    @Option(names = "--priority", paramLabel = "N", defaultValue = "0",
            description = "Queue priority (higher is leased first). Default: ${DEFAULT-VALUE}.")
    int priority;
    @Option(names = "--project", paramLabel = "NAME", description = "Project the numbers belong to.")
    String project;
    @Option(names = "--admin-key-file", paramLabel = "FILE",
            description = "File holding the admin key (instead of the environment variable " + KEY_VARIABLE + ").")
    Path adminKeyFile;
    @Parameters(index = "0", paramLabel = "FILE", description = "Numbers, one per line; - for stdin.")
    String file;

    private final Map<String, String> environment;

    public AdminAddCommand() {
        this(System.getenv());
    }

    AdminAddCommand(Map<String, String> environment) {
        this.environment = environment;
    }

    /** A number's text and the line it came from. */
    private record Line(int number, String text) {
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        String key = adminKey();
        List<Line> lines = read();
        if (lines.isEmpty()) {
            throw new ParameterException(spec.commandLine(), file + ": no numbers in it");
        }
        URI endpoint = endpoint();
        ObjectMapper mapper = new ObjectMapper();
        // closed at the end: the JVM would wait up to 0.3 s at exit for the client's selector thread
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
            int added = 0;
            List<String> known = new ArrayList<>();
            List<String> duplicates = new ArrayList<>();
            for (int from = 0; from < lines.size(); from += CHUNK) {
                List<Line> chunk = lines.subList(from, Math.min(lines.size(), from + CHUNK));
                ObjectNode body = mapper.createObjectNode();
                ArrayNode list = body.putArray("composites");
                chunk.forEach(l -> list.add(l.text()));
                body.put("project", project).put("priority", priority);
                if (targetT != null) {
                    body.put("target_t_level", targetT);
                }
                HttpResponse<String> response;
                try {
                    response = http.send(HttpRequest.newBuilder(endpoint).timeout(Duration.ofMinutes(2))
                            .header("Content-Type", "application/json").header("X-Admin-Key", key)
                            .POST(HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(body))).build(),
                            HttpResponse.BodyHandlers.ofString());
                } catch (IOException e) {
                    spec.commandLine().getErr().println("ecmpipe admin add: cannot reach " + endpoint + ": " + e.getMessage()
                            + (added > 0 ? " (" + added + " numbers were added before)" : ""));
                    return ExitCodes.RUNTIME_FAILURE;
                }
                JsonNode answer = parse(mapper, response.body());
                if (response.statusCode() != 200) {
                    String detail = answer.path("detail").asText(response.body());
                    String field = answer.path("field").asText("");
                    String where = "";
                    if (field.startsWith("composites[")) {
                        int i = Integer.parseInt(field.substring("composites[".length(), field.indexOf(']')));
                        where = file + " line " + chunk.get(i).number() + ": ";
                    }
                    spec.commandLine().getErr().println("ecmpipe admin add: the server refused (HTTP " + response.statusCode() + "): "
                            + where + detail + (added > 0 ? " (" + added + " numbers were added before)" : ""));
                    return response.statusCode() >= 500 ? ExitCodes.RUNTIME_FAILURE : ExitCodes.USAGE;
                }
                added += answer.path("added").asInt();
                answer.path("known").forEach(n -> known.add(n.asText()));
                for (JsonNode d : answer.path("duplicates")) {
                    duplicates.add(file + " line " + chunk.get(d.path("index").asInt()).number());
                }
            }
            out.printf("%d added, %d already known, %d given twice%n", added, known.size(), duplicates.size());
            known.forEach(n -> out.println("already known: " + (n.length() > 60 ? n.substring(0, 25) + "...(" + n.length()
                    + " digits)" : n)));
            duplicates.forEach(d -> out.println("given twice: " + d));
            out.flush();
            return ExitCodes.OK;
        }
    }

    private static JsonNode parse(ObjectMapper mapper, String body) {
        try {
            return mapper.readTree(body);
        } catch (IOException e) {
            return mapper.createObjectNode();
        }
    }

    private String adminKey() throws IOException {
        String key;
        if (adminKeyFile != null) {
            if (!Files.isReadable(adminKeyFile)) {
                throw new ParameterException(spec.commandLine(), "--admin-key-file: cannot read " + adminKeyFile);
            }
            key = Files.readString(adminKeyFile, StandardCharsets.UTF_8).strip();
        } else {
            key = environment.getOrDefault(KEY_VARIABLE, "").strip();
        }
        if (key.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "no admin key: set " + KEY_VARIABLE
                    + " or give --admin-key-file naming a file that holds it");
        }
        return key;
    }

    private URI endpoint() {
        String base = server.strip();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        if (base.endsWith("/api/v1")) {
            base = base.substring(0, base.length() - "/api/v1".length());
        }
        try {
            URI uri = URI.create(base + "/api/v1/admin/composites");
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("not an http(s) URL");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--server: '" + server + "' is not a server URL such as"
                    + " http://localhost:8000 (" + e.getMessage() + ")");
        }
    }

    private List<Line> read() throws IOException {
        String text;
        if (file.equals("-")) {
            InputStream in = System.in;
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } else {
            Path path = Path.of(file);
            if (!Files.isReadable(path)) {
                throw new ParameterException(spec.commandLine(), "FILE: cannot read " + file);
            }
            text = Files.readString(path, StandardCharsets.UTF_8);
        }
        List<Line> lines = new ArrayList<>();
        String[] all = text.split("\r?\n", -1);
        for (int i = 0; i < all.length; i++) {
            String s = all[i].strip();
            if (!s.isEmpty() && !s.startsWith("#")) {
                lines.add(new Line(i + 1, s));
            }
        }
        return lines;
    }
}
