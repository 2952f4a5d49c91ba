package org.ecmpipe.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;

/**
 * The admin key, as ecm-wrapper reads it: the environment variable {@code ADMIN_API_KEY}, or the file named by
 * {@code ADMIN_API_KEY_FILE} (one line; surrounding white space ignored); {@code ECMPIPE_ADMIN_KEY} is an alias
 * of the first. An empty key is an error (it would let anyone in); no key at all disables the admin API.
 */
public final class AdminKey {
    private AdminKey() {
    }

    /**
     * @throws IllegalArgumentException when a key is configured but empty, the file cannot be read, or two sources disagree
     */
    public static Optional<String> fromEnvironment(Map<String, String> env) {
        String direct = env.get("ADMIN_API_KEY");
        String alias = env.get("ECMPIPE_ADMIN_KEY");
        String file = env.get("ADMIN_API_KEY_FILE");
        if (direct != null && alias != null && !direct.equals(alias)) {
            throw new IllegalArgumentException("ADMIN_API_KEY and ECMPIPE_ADMIN_KEY are both set and differ: set one");
        }
        String key = direct != null ? direct : alias;
        String source = direct != null ? "ADMIN_API_KEY" : "ECMPIPE_ADMIN_KEY";
        if (file != null) {
            if (key != null) {
                throw new IllegalArgumentException("both " + source + " and ADMIN_API_KEY_FILE are set: set one");
            }
            try {
                key = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException("ADMIN_API_KEY_FILE " + file + " cannot be read: " + e.getMessage());
            }
            source = "the file " + file + " (ADMIN_API_KEY_FILE)";
        }
        if (key == null) {
            return Optional.empty();
        }
        if (key.isBlank()) {
            throw new IllegalArgumentException("the admin key from " + source + " is empty; an empty key would let anyone"
                    + " use the admin API. Set a real key, or unset it to disable the admin API");
        }
        return Optional.of(key);
    }

    /** Constant-time comparison (the time taken does not depend on where the keys differ). */
    static boolean matches(String expected, String given) {
        if (given == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }
}
