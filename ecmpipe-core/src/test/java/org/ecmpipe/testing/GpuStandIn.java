package org.ecmpipe.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Installs the GPU stand-in ({@link GpuEcmStandIn}; a TEST STAND-IN, not GMP-ECM) as an executable
 * {@code ecm-gpu-standin} script: stage-2 workers ({@code -resume}) go straight to the real ecm, everything else to
 * the stand-in. The GMP-ECM version it imitates is {@code ECMPIPE_STANDIN_VERSION} from the environment if set, else
 * the one given here (default 7.0.6).
 */
public final class GpuStandIn {
    private GpuStandIn() {
    }

    /** The versions the stand-in can imitate. */
    public static final java.util.List<String> VERSIONS = java.util.List.of("7.0.5", "7.0.6", "master");

    public static Path install(Path dir) throws IOException {
        return install(dir, "7.0.6");
    }

    /** @param version 7.0.5, 7.0.6 or master */
    public static Path install(Path dir, String version) throws IOException {
        if (!VERSIONS.contains(version)) {
            throw new IllegalArgumentException("the GPU stand-in imitates " + VERSIONS + ", not " + version);
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        String realEcm = RealEcm.path().toString();
        String script = """
                #!/bin/sh
                # TEST STAND-IN for a GPU build of GMP-ECM (no machine here has a GPU): see GpuEcmStandIn.java.
                for a in "$@"; do
                  if [ "$a" = "-resume" ]; then exec '%s' "$@"; fi
                done
                : "${ECMPIPE_STANDIN_VERSION:=%s}"
                export ECMPIPE_STANDIN_VERSION
                ECMPIPE_STANDIN_REAL_ECM='%s' exec '%s' -XX:TieredStopAtLevel=1 -cp '%s' %s "$@"
                """.formatted(realEcm, version, realEcm, java, System.getProperty("java.class.path"),
                GpuEcmStandIn.class.getName());
        Files.createDirectories(dir);
        Path target = dir.resolve("ecm-gpu-standin-" + version);
        Files.writeString(target, script);
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        return target;
    }
}
