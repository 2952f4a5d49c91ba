package org.ecmpipe.stage1;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.ecmpipe.composite.Primality;
import org.ecmpipe.ecm.ChildProcesses;
import org.ecmpipe.ecm.EcmBinary;
import org.ecmpipe.ecm.EcmException;
import org.ecmpipe.ecm.EcmExit;
import org.ecmpipe.ecm.EcmOutputParser;
import org.ecmpipe.ecm.FoundFactor;
import org.ecmpipe.ecm.Sigma;
import org.ecmpipe.ecm.CompletedProcess;
import org.ecmpipe.residue.ResidueFile;

/** Runs one stage-1 ecm command and reads its output into a {@link Stage1Result}: shared by CPU and GPU engines. */
final class Stage1Process {
    private final EcmBinary ecm;
    private final ChildProcesses children;
    /** At most this many split attempts per run (each a bisection on B1 of one curve: a few cheap CPU curves). */
    private static final int MAX_SPLITS = 16;
    /**
     * A composite that one curve cannot split is tried with up to this many curves that found it (a GPU batch often
     * has many): one curve fails when the largest prime powers of its group orders modulo two primes are equal,
     * about 1 in 200 for two 6-digit primes, so a second curve nearly always succeeds.
     */
    private static final int CURVES_PER_COMPOSITE = 4;
    /**
     * After a read of stage 1's output the next waits up to this long (see {@link org.ecmpipe.ecm.BurstInput}; less
     * when ecm prints fast): one read per several curves instead of one per fragment ecm flushes (7-8 a curve).
     * While ecm runs only verbose logs and the status line's curve count hear its lines, up to this much later; the
     * result is read at exit, which ends the wait.
     */
    private static final java.time.Duration OUTPUT_PAUSE = java.time.Duration.ofSeconds(5);

    private final EcmOutputParser parser = new EcmOutputParser();
    private final CurveSplit curveSplit;

    Stage1Process(EcmBinary ecm, ChildProcesses children) {
        this.ecm = ecm;
        this.children = children;
        this.curveSplit = new CurveSplit(ecm, children);
    }

    /** @param device the GPU it runs on (-1: ecm's default GPU), or null for the CPU */
    Stage1Result run(Stage1Request request, List<String> command, Integer device, Consumer<String> onLine) {
        if (request.alreadySaved() == 0 && Files.exists(request.residueFile())) {
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
        Stage1Transcript transcript = new Stage1Transcript();
        CompletedProcess run = CompletedProcess.run(children, command, request.composite() + "\n", request.timeout(), OUTPUT_PAUSE,
                line -> {
            transcript.accept(line, parser.parse(line));
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
        } else if (transcript.problem() != null) {
            error = "ecm's output does not add up: " + transcript.problem();
        } else if (transcript.curves() == 0) {
            error = "ecm printed no stage-1 result (exit code " + run.exitCode() + ")";
        }
        List<String> warnings = new ArrayList<>();
        List<FoundFactor> reported = error == null ? splitComposites(request, transcript, warnings)
                : transcript.factors();
        List<FoundFactor> factors = properFactors(request.composite(), reported);
        BigInteger cofactor = Stage1Result.cofactorOf(request.composite(), factors);
        int residues = 0;
        if (Files.exists(request.residueFile())) {
            try {
                residues = ResidueFile.read(request.residueFile()).residues().size();
            } catch (IOException e) {
                error = error != null ? error : "cannot read the residues ecm saved in " + request.residueFile() + ": " + e.getMessage();
            }
        }
        if (transcript.inputNumberFound()) {
            warnings.add("ecm found the whole remaining number in stage 1 (exit code " + run.exitCode() + ")");
        }
        return new Stage1Result(request.composite(), request.b1(), request.alreadySaved() + transcript.curves(),
                request.residueFile(), factors,
                run.elapsed(), run.exitCode(), ecm.version(), error, device, residues, cofactor,
                Primality.isPrime(cofactor), transcript.inputNumberFound(), warnings);
    }

    /**
     * Composite factors (and a whole number found by one curve) split into smaller ones by a curve that found them at
     * a smaller B1 ({@link CurveSplit}), as far as that goes: first the curve the factor is reported with, then other
     * curves of the run that found it whole (up to {@link #CURVES_PER_COMPOSITE} in all). Each part keeps the sigma of
     * the curve that split it (that curve finds the part at the run's B1, inside the composite).
     */
    private List<FoundFactor> splitComposites(Stage1Request request, Stage1Transcript transcript,
                                              List<String> warnings) {
        java.util.ArrayDeque<FoundFactor> todo = new java.util.ArrayDeque<>(transcript.factors());
        List<FoundFactor> out = new ArrayList<>();
        int attempts = 0;
        while (!todo.isEmpty()) {
            FoundFactor f = todo.removeFirst();
            BigInteger v = f.factor();
            if (f.sigma() == null || v.compareTo(BigInteger.ONE) <= 0 || Primality.isPrime(v) || attempts >= MAX_SPLITS
                    || out.stream().anyMatch(o -> o.factor().equals(v))) {
                out.add(f);
                continue;
            }
            List<Sigma> curves = java.util.stream.Stream.concat(java.util.stream.Stream.of(f.sigma()),
                    transcript.curvesFinding(v).stream()).distinct().limit(CURVES_PER_COMPOSITE).toList();
            List<Sigma> tried = new ArrayList<>();
            Sigma splitter = null;
            CurveSplit.Split split = null;
            for (Sigma curve : curves) {
                if (attempts >= MAX_SPLITS) {
                    break;
                }
                attempts++;
                tried.add(curve);
                var s = curveSplit.split(v, curve, request.b1(), request.timeout());
                if (s.isPresent()) {
                    splitter = curve;
                    split = s.get();
                    break;
                }
            }
            if (split == null) {
                warnings.add("ecm reported the composite factor " + v + " (curve " + f.sigma() + "); running "
                        + (tried.size() == 1 ? "that curve" : "the " + tried.size() + " curves " + joined(tried)
                        + " that found it") + " with smaller B1 did not split it"
                        + (tried.size() < curves.size()
                                ? " (the limit of " + MAX_SPLITS + " split attempts a run was reached)" : ""));
                out.add(f);
                continue;
            }
            BigInteger g = split.factor();
            warnings.add("ecm reported the composite factor " + v + " (curve " + f.sigma() + "); "
                    + (splitter.equals(f.sigma()) ? "the same curve" : "curve " + splitter + ", which also found it,")
                    + " with B1=" + split.b1() + " finds " + g + ", so it splits into " + g + " and " + v.divide(g)
                    + (tried.size() > 1
                            ? " (" + joined(tried.subList(0, tried.size() - 1)) + " could not split it)" : ""));
            todo.addFirst(new FoundFactor(v.divide(g), f.step(), splitter));
            todo.addFirst(new FoundFactor(g, f.step(), splitter));
        }
        return out;
    }

    private static String joined(List<Sigma> curves) {
        return String.join(", ", curves.stream().map(Sigma::toString).toList());
    }

    /** Factors that divide the number and are neither 1 nor the number itself, first report of each value only. */
    private static List<FoundFactor> properFactors(BigInteger n, List<FoundFactor> reported) {
        List<FoundFactor> out = new ArrayList<>();
        for (FoundFactor f : reported) {
            BigInteger v = f.factor();
            boolean proper = v.compareTo(BigInteger.ONE) > 0 && !v.equals(n) && n.mod(v).signum() == 0;
            if (proper && out.stream().noneMatch(o -> o.factor().equals(v))) {
                out.add(f);
            }
        }
        return out;
    }
}
