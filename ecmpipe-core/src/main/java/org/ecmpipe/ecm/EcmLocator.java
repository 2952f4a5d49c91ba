package org.ecmpipe.ecm;

import java.nio.file.Files;
import java.nio.file.Path;

/** Chooses the ecm executable: {@code --ecm PATH}, else the config file's, else {@code ecm} on PATH. */
public final class EcmLocator {
    private EcmLocator() {
    }

    /**
     * @param fromCommandLine {@code --ecm}, or null
     * @param fromConfig the config file's {@code ecm.path}, or null
     * @throws EcmException saying where it looked, when no usable executable is found
     */
    public static Path locate(Path fromCommandLine, Path fromConfig) {
        if (fromCommandLine != null) {
            return checked(fromCommandLine, "--ecm");
        }
        if (fromConfig != null) {
            return checked(fromConfig, "the config file's ecm path");
        }
        return ExecutableSearch.onPath("ecm").orElseThrow(() -> new EcmException(
                "GMP-ECM's ecm is not on PATH: install it (Debian/Ubuntu: apt-get install gmp-ecm) or pass --ecm PATH"));
    }

    private static Path checked(Path path, String source) {
        if (!Files.exists(path)) {
            throw new EcmException("ecm executable " + path + " (from " + source + ") does not exist");
        }
        if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
            throw new EcmException("ecm executable " + path + " (from " + source + ") is not an executable file");
        }
        return path;
    }
}
