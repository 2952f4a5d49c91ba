package org.ecmpipe.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Installs the GPU stand-in ({@link GpuEcmStandIn}) as an executable {@code ecm-gpu-standin} script: stage-2
 * workers ({@code -resume}) go straight to the real ecm, everything else to the stand-in.
 */
public final class GpuStandIn {
    private GpuStandIn() {
    }

    public static Path install(Path dir) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        String realEcm = RealEcm.path().toString();
        String script = """
                #!/bin/sh
                # TEST STAND-IN for a GPU build of GMP-ECM (no machine here has a GPU): see GpuEcmStandIn.java.
                for a in "$@"; do
                  if [ "$a" = "-resume" ]; then exec '%s' "$@"; fi
                done
                ECMPIPE_STANDIN_REAL_ECM='%s' exec '%s' -XX:TieredStopAtLevel=1 -cp '%s' %s "$@"
                """.formatted(realEcm, realEcm, java, System.getProperty("java.class.path"), GpuEcmStandIn.class.getName());
        Files.createDirectories(dir);
        Path target = dir.resolve("ecm-gpu-standin");
        Files.writeString(target, script);
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        return target;
    }
}
