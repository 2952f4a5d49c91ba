package org.ecmpipe.ecm;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * An {@code ecm} executable whose version and build have been read by running it.
 *
 * @param version e.g. {@code 7.0.5}
 * @param gpu built with {@code --enable-gpu} (GPU stage 1 available)
 * @param stdbuf the {@code stdbuf} executable used to make ecm's stdout line-buffered, or null when absent
 */
public record EcmBinary(Path path, String version, String configuredWith, boolean gpu, Path stdbuf) {

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(30);

    public EcmBinary {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(version, "version");
    }

    /**
     * Runs {@code ecm} on empty input (it prints only its banner) and {@code ecm -printconfig}.
     *
     * @throws EcmException when it cannot be run or does not look like GMP-ECM
     */
    public static EcmBinary probe(Path path, ChildProcesses children) {
        EcmOutputParser parser = new EcmOutputParser();
        CompletedProcess banner = CompletedProcess.run(children, List.of(path.toString(), "100"), "", PROBE_TIMEOUT, line -> { });
        EcmLine.Banner found = banner.stdout().stream().map(parser::parse)
                .filter(EcmLine.Banner.class::isInstance).map(EcmLine.Banner.class::cast).findFirst()
                .orElseThrow(() -> new EcmException(path + " does not print a GMP-ECM banner (exit code "
                        + banner.exitCode() + "): is it GMP-ECM?"));
        CompletedProcess config = CompletedProcess.run(children, List.of(path.toString(), "-printconfig"), "", PROBE_TIMEOUT, line -> { });
        boolean withGpu = found.gpuBuild() || config.stdout().stream().anyMatch(l -> l.matches("WITH_GPU\\s*=\\s*1\\s*"));
        return new EcmBinary(path, found.version(), found.configuredWith(), withGpu,
                ExecutableSearch.onPath("stdbuf").orElse(null));
    }

    /** 7.0.5 needs {@code -cgbn} besides {@code -gpu} for the fast kernel; later versions always use it. */
    public boolean needsCgbnFlag() {
        return version.startsWith("7.0.5") || version.startsWith("7.0.4");
    }
}
