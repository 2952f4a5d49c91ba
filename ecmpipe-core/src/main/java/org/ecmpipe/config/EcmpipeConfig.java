package org.ecmpipe.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.OptionalInt;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * The YAML config file ({@code ecmpipe.yaml}). Every key is optional; the command line overrides it, and it
 * overrides the built-in defaults. Unknown keys are errors, so a typo is not silently ignored.
 *
 * <pre>
 * ecm:
 *   path: /usr/local/bin/ecm     # GMP-ECM executable
 *   b2: 1e11                     # default stage-2 bound
 * api:
 *   endpoint: http://localhost:8000/api/v1
 * client:
 *   username: alice
 *   cpu_name: box1
 * gpu:
 *   device: 0                    # or "0,1" for one stage-1 producer per GPU
 *   curves: 3072                 # curves per GPU batch
 *   cgbn: true                   # GMP-ECM 7.0.5 built with CGBN: pass -cgbn
 * </pre>
 */
public record EcmpipeConfig(Ecm ecm, Api api, Client client, Gpu gpu) {

    public static final String DEFAULT_FILE = "ecmpipe.yaml";

    public record Ecm(String path, String b2) {
    }

    public record Api(String endpoint) {
    }

    public record Client(String username, @JsonProperty("cpu_name") String cpuName) {
    }

    public record Gpu(String device, Integer curves, Boolean cgbn) {
    }

    public EcmpipeConfig {
        ecm = ecm == null ? new Ecm(null, null) : ecm;
        api = api == null ? new Api(null) : api;
        client = client == null ? new Client(null, null) : client;
        gpu = gpu == null ? new Gpu(null, null, null) : gpu;
    }

    public static EcmpipeConfig empty() {
        return new EcmpipeConfig(null, null, null, null);
    }

    /**
     * @throws ConfigException naming the file, the line and the key or value at fault
     */
    public static EcmpipeConfig load(Path path) {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        try {
            if (Files.size(path) == 0) {
                return empty();
            }
            EcmpipeConfig config = yaml.readValue(path.toFile(), EcmpipeConfig.class);
            return config == null ? empty() : config;
        } catch (UnrecognizedPropertyException e) {
            // records are read whole before unknown keys are reported: find the key's own line
            List<String> keys = e.getPath().stream().map(r -> r.getFieldName()).toList();
            int line = lineOf(yaml, path, keys).orElse(e.getLocation().getLineNr());
            throw new ConfigException(path + " line " + line + ": unknown key '"
                    + e.getPropertyName() + "' (known: " + e.getKnownPropertyIds() + ")", e);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " line " + e.getLocation().getLineNr();
            throw new ConfigException(path + where + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + path + ": " + e.getMessage(), e);
        }
    }

    /** The line of the key at {@code keys} (outermost first), read with a streaming parser. */
    private static OptionalInt lineOf(ObjectMapper yaml, Path path, List<String> keys) {
        try (JsonParser p = yaml.getFactory().createParser(path.toFile())) {
            Deque<String> at = new ArrayDeque<>();
            String field = null;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                switch (t) {
                    case FIELD_NAME -> {
                        field = p.currentName();
                        List<String> here = new ArrayList<>(at.reversed());
                        here.add(field);
                        if (here.equals(keys)) {
                            return OptionalInt.of(p.currentTokenLocation().getLineNr());
                        }
                    }
                    case START_OBJECT -> {
                        if (field != null) {
                            at.push(field);
                        }
                        field = null;
                    }
                    case END_OBJECT -> {
                        if (!at.isEmpty()) {
                            at.pop();
                        }
                    }
                    default -> { }
                }
            }
        } catch (IOException e) {
            // fall back to the location Jackson gave
        }
        return OptionalInt.empty();
    }

    /** A bad config file. */
    public static final class ConfigException extends RuntimeException {
        public ConfigException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
