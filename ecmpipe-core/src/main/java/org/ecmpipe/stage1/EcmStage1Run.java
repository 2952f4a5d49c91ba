package org.ecmpipe.stage1;

import java.math.BigInteger;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.ecmpipe.ecm.ChildProcesses;
import org.ecmpipe.ecm.EcmBinary;
import org.ecmpipe.ecm.EcmExit;
import org.ecmpipe.ecm.EcmException;
import org.ecmpipe.ecm.EcmLine;
import org.ecmpipe.ecm.EcmOutputParser;
import org.ecmpipe.ecm.FoundFactor;
import org.ecmpipe.ecm.ProcessRun;
import org.ecmpipe.ecm.Sigma;

/** Runs one stage-1 ecm command and reads its output into a {@link Stage1Result}: shared by CPU and GPU engines. */
final class EcmStage1Run {
    private final EcmBinary ecm;
    private final ChildProcesses children;
    private final EcmOutputParser parser = new EcmOutputParser();

    EcmStage1Run(EcmBinary ecm, ChildProcesses children) {
        this.ecm = ecm;
        this.children = children;
    }

    Stage1Result run(Stage1Request request, List<String> command, Consumer<String> onLine) {
        if (Files.exists(request.residueFile())) {
            throw new EcmException("residue file " + request.residueFile() + " already exists: not overwriting saved work");
        }
        try {
            Path dir = request.residueFile().toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw new EcmException("cannot create the directory for " + request.residueFile() + ": " + e.getMessage(), e);
        }
        Transcript transcript = new Transcript();
        ProcessRun run = ProcessRun.run(children, command, request.composite() + "\n", request.timeout(), line -> {
            transcript.accept(parser.parse(line));
            onLine.accept(line);
        });
        EcmExit exit = new EcmExit(run.exitCode());
        String error = null;
        if (run.timedOut()) {
            error = "stage 1 ran past its timeout of " + request.timeout().toSeconds() + " s and was ended";
        } else if (exit.isError() || exit.isInterrupted()) {
            error = "ecm exited with code " + run.exitCode() + " (" + exit.describe() + ")"
                    + (run.stderr().isEmpty() ? "" : ": " + run.stderrTail())
                    + (run.stdout().isEmpty() ? "" : "; last output: " + run.stdout().getLast());
        } else if (transcript.curves == 0) {
            error = "ecm printed no stage-1 result (exit code " + run.exitCode() + ")";
        }
        return new Stage1Result(request.composite(), request.b1(), transcript.curves, request.residueFile(),
                transcript.factors(), run.elapsed(), run.exitCode(), ecm.version(), error);
    }

    /** Follows the output: which curve is running, which curves found what. */
    private static final class Transcript implements Consumer<EcmLine> {
        private int curves;
        private Sigma currentSigma;
        private final List<EcmLine.GpuFactor> gpuHits = new ArrayList<>();
        private final List<EcmLine.FactorFound> found = new ArrayList<>();
        private final List<Sigma> foundSigma = new ArrayList<>();
        private boolean gpuTimingSeen;

        @Override
        public void accept(EcmLine line) {
            switch (line) {
                case EcmLine.Using using -> currentSigma = using.curves() == 1 ? using.sigma() : null;
                case EcmLine.StepTook took when took.step() == 1 && !gpuTimingSeen -> curves++;
                case EcmLine.GpuStep1Took took -> {
                    if (!gpuTimingSeen) {
                        curves = 0; // GPU runs print batch timings, never per-curve "Step 1 took"
                        gpuTimingSeen = true;
                    }
                    curves += took.curves();
                }
                case EcmLine.GpuFactor hit -> gpuHits.add(hit);
                case EcmLine.FactorFound f -> {
                    found.add(f);
                    foundSigma.add(currentSigma);
                }
                default -> { }
            }
        }

        List<FoundFactor> factors() {
            List<FoundFactor> out = new ArrayList<>();
            for (int i = 0; i < found.size(); i++) {
                EcmLine.FactorFound f = found.get(i);
                Sigma sigma = foundSigma.get(i);
                if (sigma == null) {
                    sigma = gpuHits.stream().filter(h -> divides(f.factor(), h.factor())).map(EcmLine.GpuFactor::sigma)
                            .findFirst().orElse(null);
                }
                out.add(new FoundFactor(f.factor(), f.step(), sigma));
            }
            return out;
        }

        private static boolean divides(BigInteger d, BigInteger n) {
            return d.signum() != 0 && n.mod(d).signum() == 0;
        }
    }
}
