package org.ecmpipe.settings;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A YAML config file ({@code ecmpipe.yaml}, or a local override), read as dotted keys ({@code ecm.b1}) with the
 * line each value is on, so every error can name the file, the line and the key.
 */
public final class ConfigFile {

    /** A value and where it was written. */
    public record Entry(String key, String text, Path file, int line) {
        public String where() {
            return file + " line " + line + " (" + key + ")";
        }
    }

    private final Path path;
    private final Map<String, Entry> entries;

    private ConfigFile(Path path, Map<String, Entry> entries) {
        this.path = path;
        this.entries = entries;
    }

    public static ConfigFile empty() {
        return new ConfigFile(null, Map.of());
    }

    /** The file, or null for no file. */
    public Path path() {
        return path;
    }

    public Optional<Entry> get(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    /**
     * Reads a config file, allowing only {@code known} keys.
     *
     * @throws SettingsException naming the file, the line and the key at fault (malformed YAML, unknown key, a list
     *     or map where one value belongs)
     */
    public static ConfigFile load(Path path, Set<String> known) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        try {
            if (Files.size(path) == 0) {
                return new ConfigFile(path, entries);
            }
        } catch (IOException e) {
            throw new SettingsException("cannot read the config file " + path + ": " + e.getMessage());
        }
        try (JsonParser p = new YAMLFactory().createParser(path.toFile())) {
            Deque<String> at = new ArrayDeque<>();
            String field = null;
            JsonToken first = p.nextToken();
            if (first == null) {
                return new ConfigFile(path, entries);
            }
            if (first != JsonToken.START_OBJECT) {
                throw new SettingsException(path + " line " + line(p) + ": expected 'key: value' lines, found "
                        + p.getText());
            }
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                switch (t) {
                    case FIELD_NAME -> field = p.currentName();
                    case START_OBJECT -> {
                        at.push(field);
                        field = null;
                    }
                    case END_OBJECT -> {
                        if (!at.isEmpty()) {
                            at.pop();
                        }
                    }
                    case START_ARRAY -> throw new SettingsException(path + " line " + line(p) + ": '" + key(at, field)
                            + "' takes one value, not a list");
                    default -> {
                        String key = key(at, field);
                        if (!known.contains(key)) {
                            throw new SettingsException(path + " line " + line(p) + ": unknown key '" + key + "' (known: "
                                    + String.join(", ", known.stream().sorted().toList()) + ")");
                        }
                        if (t != JsonToken.VALUE_NULL) {
                            entries.put(key, new Entry(key, p.getText().strip(), path, line(p)));
                        }
                    }
                }
            }
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            String message = e.getOriginalMessage().lines().findFirst().orElse("malformed YAML").strip();
            throw new SettingsException(path + (loc == null ? "" : " line " + loc.getLineNr()) + ": not valid YAML ("
                    + message + ")");
        } catch (IOException e) {
            throw new SettingsException("cannot read the config file " + path + ": " + e.getMessage());
        }
        return new ConfigFile(path, entries);
    }

    /**
     * This file with {@code local}'s values on top (a machine's own overrides, kept out of a shared config file).
     */
    public ConfigFile overlaidBy(ConfigFile local) {
        Map<String, Entry> merged = new LinkedHashMap<>(entries);
        merged.putAll(local.entries);
        return new ConfigFile(local.path != null ? local.path : path, merged);
    }

    /** The local override file of a config file: {@code ecmpipe.yaml} → {@code ecmpipe.local.yaml} beside it. */
    public static Path localOverrideOf(Path config) {
        String name = config.getFileName().toString();
        String base = name.endsWith(".yaml") ? name.substring(0, name.length() - 5)
                : name.endsWith(".yml") ? name.substring(0, name.length() - 4) : name;
        return config.resolveSibling(base + ".local.yaml");
    }

    private static int line(JsonParser p) {
        return p.currentTokenLocation().getLineNr();
    }

    private static String key(Deque<String> at, String field) {
        StringBuilder b = new StringBuilder();
        at.descendingIterator().forEachRemaining(k -> b.append(k).append('.'));
        return b.append(field).toString();
    }
}
