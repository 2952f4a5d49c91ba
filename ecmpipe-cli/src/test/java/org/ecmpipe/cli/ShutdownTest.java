package org.ecmpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.ecmpipe.ecm.ChildProcesses;
import org.ecmpipe.ecm.EcmBinary;
import org.ecmpipe.residue.Residue;
import org.ecmpipe.stage1.CpuStage1Engine;
import org.ecmpipe.testing.PlantedNumbers;
import org.ecmpipe.testing.RealEcm;
import org.ecmpipe.testing.SingleCurveResidues;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM to a running {@code ecmpipe stage2} (a separate JVM) leaves none of its ecm workers running. */
class ShutdownTest {
    @TempDir
    Path dir;

    @Test
    void sigtermEndsEveryEcmChild() throws Exception {
        List<String> lines = new ArrayList<>();
        try (ChildProcesses children = new ChildProcesses()) {
            EcmBinary ecm = RealEcm.probe(children);
            // a c120 with nothing to find at B1=11000, and a B2 large enough that curves take seconds
            PlantedNumbers.Planted n = PlantedNumbers.planted(21, 60, 60);
            SingleCurveResidues.make(new CpuStage1Engine(ecm, children, 3), n.n(), 11000, 4, dir)
                    .stream().map(Residue::line).forEach(lines::add);
        }
        Path file = Files.write(dir.resolve("slow.sav"), lines);
        String java = ProcessHandle.current().info().command().orElse("java");
        Process ecmpipe = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "stage2", "--resume", file.toString(), "--workers", "2", "--b2", "1e11", "--work-dir", dir.resolve("w").toString(), "--no-submit")
                .redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile()).start();
        try {
            List<ProcessHandle> workers = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                workers.clear();
                ecmpipe.descendants().filter(h -> h.info().command().orElse("").endsWith("ecm")).forEach(workers::add);
                return workers.size() == 2;
            });
            ecmpipe.destroy(); // SIGTERM, as from kill or a service manager
            assertThat(ecmpipe.waitFor(20, TimeUnit.SECONDS)).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> workers.stream().noneMatch(ProcessHandle::isAlive));
        } finally {
            ecmpipe.destroyForcibly();
        }
    }
}
