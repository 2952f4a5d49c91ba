package org.ecmpipe.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.ecmpipe.composite.Composite;
import org.ecmpipe.config.EcmpipeConfig;
import org.ecmpipe.ecm.Bound;
import org.ecmpipe.ecm.ChildProcesses;
import org.ecmpipe.ecm.EcmBinary;
import org.ecmpipe.ecm.EcmException;
import org.ecmpipe.ecm.EcmLocator;
import org.ecmpipe.ecm.FoundFactor;
import org.ecmpipe.residue.CompositeResidues;
import org.ecmpipe.residue.ResidueFile;
import org.ecmpipe.residue.ResidueProblem;
import org.ecmpipe.result.CompositeResult;
import org.ecmpipe.result.ResultsFile;
import org.ecmpipe.stage2.CurveFailure;
import org.ecmpipe.stage2.Stage2Batch;
import org.ecmpipe.stage2.Stage2Executor;
import org.ecmpipe.stage2.Stage2Listener;
import org.ecmpipe.stage2.Stage2Progress;
import org.ecmpipe.submit.Submitter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ecmpipe stage2}: resumes a GMP-ECM residue file on several CPU workers. */
@Command(name = "stage2", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run ECM stage 2 on the residues of a GMP-ECM save file (ecm -save ... B1 0), on several"
                + " CPU workers fed one curve at a time. B1 comes from the file; one results line is written per"
                + " number in the file.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:all numbers done",
                "1:runtime failure",
                "2:usage or input error before any work",
                "3:finished, but some residue lines were skipped or some number failed"})
public final class Stage2Command implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(Stage2Command.class);
    private static final Logger ecmLog = LoggerFactory.getLogger(Logging.ECM_OUTPUT);

    @Spec
    private CommandSpec spec;

    @Option(names = "--resume", required = true, paramLabel = "FILE",
            description = "GMP-ECM residue (save) file to run stage 2 on.")
    private Path resumeFile;

    @Option(names = "--b2", paramLabel = "N",
            description = "Stage-2 bound, e.g. 2e9. Default: GMP-ECM's own default for the file's B1.")
    private String b2Text;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "4",
            description = "Concurrent ecm -resume processes (default: ${DEFAULT-VALUE}).")
    private int workers;

    @Option(names = "--continue-after-factor",
            description = "Run every curve even after a factor is found (default: stop all workers at the first new factor).")
    private boolean continueAfterFactor;

    @Option(names = "--progress-interval", paramLabel = "N", defaultValue = "0",
            description = "Report progress every N curves; 0 turns it off (default: ${DEFAULT-VALUE}).")
    private int progressInterval;

    @Option(names = "--curve-timeout", paramLabel = "SECONDS", defaultValue = "86400",
            description = "End a worker whose current curve has run this long, as hung (default: ${DEFAULT-VALUE}).")
    private long curveTimeoutSeconds;

    @Option(names = "--results", paramLabel = "FILE",
            description = "JSON Lines results file to append to (default: WORK_DIR/results.jsonl).")
    private Path resultsFile;

    @Option(names = "--work-dir", paramLabel = "DIR", defaultValue = "ecmpipe-work",
            description = "Directory for the results and the log file (default: ./${DEFAULT-VALUE}).")
    private Path workDir;

    @Option(names = "--ecm", paramLabel = "PATH", description = "GMP-ECM executable (default: ecm on PATH).")
    private Path ecmPath;

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML config file (ecm path, API endpoint, client name). Default: ecmpipe.yaml if present.")
    private Path configFile;

    @Mixin
    private SubmitOptions submit;

    @Option(names = {"-v", "--verbose"}, description = "Verbose output, including ecm's own lines.")
    private boolean verbose;

    @Override
    public Integer call() throws IOException {
        BigInteger b2 = validateOptions();
        EcmpipeConfig config = Configs.load(spec.commandLine(), configFile);
        Files.createDirectories(workDir);
        Logging.configure(verbose, workDir.resolve("ecmpipe.log"));
        Path results = resultsFile != null ? resultsFile : workDir.resolve("results.jsonl");
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();

        if (!Files.isRegularFile(resumeFile)) {
            err.println("ecmpipe stage2: residue file " + resumeFile + " does not exist or is not a file");
            return ExitCodes.USAGE;
        }
        ResidueFile.Contents contents = ResidueFile.read(resumeFile);
        List<ResidueProblem> problems = new ArrayList<>(contents.problems());
        List<CompositeResidues> numbers = CompositeResidues.group(contents.residues(), problems);
        contents.warnings().forEach(w -> log.warn("{}: {}", resumeFile, w));
        problems.forEach(p -> log.warn("{}: skipping {}", resumeFile, p));
        if (numbers.isEmpty()) {
            err.println("ecmpipe stage2: " + resumeFile + " holds no usable residue line"
                    + (problems.isEmpty() ? "" : " (" + problems.size() + " bad, see above)"));
            return ExitCodes.USAGE;
        }

        try (ChildProcesses children = new ChildProcesses()) {
            Thread hook = children.closeOnShutdown();
            EcmBinary ecm;
            try {
                Path configured = config.ecm().path() == null ? null : Path.of(config.ecm().path());
                ecm = EcmBinary.probe(EcmLocator.locate(ecmPath, configured), children);
            } catch (EcmException e) {
                err.println("ecmpipe stage2: " + e.getMessage());
                return ExitCodes.USAGE;
            }
            log.info("GMP-ECM {} at {}; {} number(s), {} curve(s) from {}", ecm.version(), ecm.path(), numbers.size(),
                    numbers.stream().mapToInt(n -> n.residues().size()).sum(), resumeFile);
            Stage2Batch batch = new Stage2Batch(new Stage2Executor(ecm, children), ecm.version(),
                    new Stage2Batch.Options(b2, workers, continueAfterFactor, progressInterval,
                            Duration.ofSeconds(curveTimeoutSeconds)));
            int failed = 0;
            Submitter submitter;
            try {
                submitter = submit.open(workDir, config);
            } catch (IllegalArgumentException e) {
                err.println("ecmpipe stage2: " + e.getMessage());
                return ExitCodes.USAGE;
            }
            try (ResultsFile sink = new ResultsFile(results); Submitter closing = submitter) {
                if (submitter != null) {
                    submitter.resendPending();
                }
                for (int i = 0; i < numbers.size(); i++) {
                    CompositeResidues number = numbers.get(i);
                    String position = "[" + (i + 1) + "/" + numbers.size() + "]";
                    log.info("{} Stage 2 for {} ({} digits): {} curves, B1={}, {} worker(s)", position,
                            Composite.abbreviate(number.composite()), number.composite().toString().length(),
                            number.residues().size(), number.b1(), Math.min(workers, number.residues().size()));
                    CompositeResult result = batch.run(number, new LoggingListener(position));
                    sink.append(result);
                    if (submitter != null) {
                        submitter.accept(result);
                    }
                    logOutcome(position, result);
                    if (result.status() != CompositeResult.Status.DONE) {
                        failed++;
                    }
                    if (Thread.currentThread().isInterrupted()) {
                        break;
                    }
                }
                Submissions.report(submitter, out);
            }
            Runtime.getRuntime().removeShutdownHook(hook);
            out.printf("%d number(s), %d failed, %d residue line(s) skipped; results in %s%n", numbers.size(), failed,
                    problems.size(), results);
            out.flush();
            return failed > 0 || !problems.isEmpty() ? ExitCodes.PARTIAL : ExitCodes.OK;
        }
    }

    private BigInteger validateOptions() {
        if (workers < 1) {
            throw new ParameterException(spec.commandLine(), "--workers must be at least 1, was " + workers);
        }
        if (progressInterval < 0) {
            throw new ParameterException(spec.commandLine(), "--progress-interval must not be negative");
        }
        if (curveTimeoutSeconds < 1) {
            throw new ParameterException(spec.commandLine(), "--curve-timeout must be at least 1 second");
        }
        if (b2Text == null) {
            return null;
        }
        try {
            BigInteger b2 = Bound.parse(b2Text);
            if (b2.signum() == 0) {
                throw new ParameterException(spec.commandLine(), "--b2 must be positive for stage 2");
            }
            return b2;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--b2: " + e.getMessage());
        }
    }

    private void logOutcome(String position, CompositeResult r) {
        String seconds = String.format("%.1fs", r.stage2Seconds());
        if (r.status() == CompositeResult.Status.FAILED) {
            log.error("{} Stage 2 failed after {}: {}", position, seconds, r.reason());
        } else if (r.factors().isEmpty()) {
            log.info("{} Stage 2 complete in {}, no factor ({} curves, B2={})", position, seconds, r.stage2Curves(), r.b2());
        } else {
            log.info("{} Stage 2 complete in {}: factors {}; cofactor {} ({})", position, seconds,
                    r.factors().stream().map(f -> f.factor() + (f.prime() ? " (prime)" : " (composite)")).toList(),
                    Composite.abbreviate(r.cofactor()), r.cofactorPrime() ? "prime" : "composite");
        }
    }


    /** Turns executor events into log lines. */
    private record LoggingListener(String position) implements Stage2Listener {
        @Override
        public void progress(Stage2Progress p) {
            log.info("{} Stage 2: {}/{} curves, {} factor(s), {}s elapsed{}", position, p.curvesDone(), p.curvesTotal(),
                    p.factorsFound(), p.elapsed().toSeconds(), p.eta() == null ? "" : ", ETA " + p.eta().toSeconds() + "s");
        }

        @Override
        public void factorFound(FoundFactor f) {
            log.info("{} Factor {} found in stage {} by sigma {}", position, f.factor(), f.step(), f.sigma());
        }

        @Override
        public void curveFailed(CurveFailure failure) {
            log.warn("{} curve from line {} (sigma {}) failed: {}", position, failure.lineNumber(), failure.sigma(),
                    failure.reason());
        }

        @Override
        public void ecmOutput(int worker, String line) {
            ecmLog.debug("[worker {}] {}", worker, line);
        }
    }
}
