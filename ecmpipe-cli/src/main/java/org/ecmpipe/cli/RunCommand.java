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
import org.ecmpipe.composite.InputProblem;
import org.ecmpipe.composite.NumbersFile;
import org.ecmpipe.composite.TrialDivision;
import org.ecmpipe.config.EcmpipeConfig;
import org.ecmpipe.ecm.Bound;
import org.ecmpipe.ecm.ChildProcesses;
import org.ecmpipe.ecm.EcmBinary;
import org.ecmpipe.ecm.EcmException;
import org.ecmpipe.ecm.EcmLocator;
import org.ecmpipe.journal.Journal;
import org.ecmpipe.journal.JournalEvent;
import org.ecmpipe.journal.JournalRecorder;
import org.ecmpipe.journal.OrphanReaper;
import org.ecmpipe.journal.WorkDirLock;
import org.ecmpipe.pipeline.BatchPlan;
import org.ecmpipe.pipeline.PipelineListeners;
import org.ecmpipe.pipeline.PlannedNumber;
import org.ecmpipe.pipeline.Pipeline;
import org.ecmpipe.pipeline.PipelineOptions;
import org.ecmpipe.pipeline.PipelineReport;
import org.ecmpipe.pipeline.ResultSink;
import org.ecmpipe.result.CompositeResult;
import org.ecmpipe.result.ResultsFile;
import org.ecmpipe.stage1.CpuStage1Engine;
import org.ecmpipe.stage1.GpuStage1Engine;
import org.ecmpipe.stage1.Stage1Engine;
import org.ecmpipe.stage2.Stage2Executor;
import org.ecmpipe.submit.Submitter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ecmpipe run}: the GPU stage-1 / CPU stage-2 pipeline over a numbers file. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Factor every number of a numbers file with ECM: stage 1 on the GPU (or CPU with --no-gpu)"
                + " while CPU workers run stage 2 of the previous number. Options given on the command line override"
                + " the config file, which overrides the defaults shown.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:all numbers done",
                "1:runtime failure, or the run was stopped (Ctrl-C, SIGTERM) before the end",
                "2:usage or input error before any work (nothing was run)",
                "3:finished, but some input was skipped (--skip-invalid) or some number failed"})
public final class RunCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);
    private static final Logger ecmLog = LoggerFactory.getLogger(Logging.ECM_OUTPUT);

    @Spec
    private CommandSpec spec;

    @Option(names = "--numbers-file", paramLabel = "FILE", defaultValue = "data/numbers.txt",
            description = "Numbers to factor, one per line (GMP-ECM expressions allowed; # comments). Default: ${DEFAULT-VALUE}.")
    private Path numbersFile;

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML config file (ecm path, default B2, API endpoint, client name, GPU settings). Default: ecmpipe.yaml if present.")
    private Path configFile;

    @Option(names = "--b1", paramLabel = "N", defaultValue = "160000000",
            description = "Stage-1 bound; 160000000 or 16e7. Default: ${DEFAULT-VALUE}.")
    private String b1Text;

    @Option(names = "--b2", paramLabel = "N",
            description = "Stage-2 bound; 0 = stage 1 only. Default: the config's ecm.b2, else GMP-ECM's default for B1.")
    private String b2Text;

    @Option(names = "--curves", paramLabel = "N", defaultValue = "1",
            description = "Curves per number; on the GPU one unit is one GPU batch (1 = 3072 curves on a card whose batch is 3072). Default: ${DEFAULT-VALUE}.")
    private int curves;

    @Option(names = "--stage2-workers", paramLabel = "N", defaultValue = "4",
            description = "CPU workers for stage 2. Default: ${DEFAULT-VALUE}.")
    private int stage2Workers;

    @Option(names = "--gpu-device", paramLabel = "N[,N...]",
            description = "GPU(s) to use; a comma list runs one stage-1 producer per GPU. Default: the config's gpu.device, else ecm's default.")
    private String gpuDevice;

    @Option(names = "--gpu-curves", paramLabel = "N",
            description = "Curves per GPU kernel launch (batch). Default: the config's gpu.curves, else ecm's default.")
    private Integer gpuCurves;

    @Option(names = "--cgbn", description = "Pass -cgbn (GMP-ECM 7.0.5 built with CGBN). Default: the config's gpu.cgbn, else off.")
    private Boolean cgbn;

    @Option(names = "--no-gpu", description = "Stage 1 on the CPU instead of the GPU.")
    private boolean noGpu;

    @Option(names = "--stage1-workers", paramLabel = "N", defaultValue = "1",
            description = "With --no-gpu: CPU processes to split each number's stage-1 curves over. Default: ${DEFAULT-VALUE}.")
    private int stage1Workers;

    @Mixin
    private SubmitOptions submit;

    @Option(names = "--continue-after-factor", description = "Stage 2 runs every curve even after a factor.")
    private boolean continueAfterFactor;

    @Option(names = "--progress-interval", paramLabel = "N", defaultValue = "0",
            description = "Report stage-2 progress every N curves; 0 = off. Default: ${DEFAULT-VALUE}.")
    private int progressInterval;

    @Option(names = "--work-dir", paramLabel = "DIR", defaultValue = "ecmpipe-work",
            description = "Residues, results and logs. Default: ./${DEFAULT-VALUE}.")
    private Path workDir;

    @Option(names = "--results", paramLabel = "FILE", description = "JSON Lines results file. Default: WORK_DIR/results.jsonl.")
    private Path resultsFile;

    @Option(names = "--ecm", paramLabel = "PATH", description = "GMP-ECM executable. Default: the config's ecm.path, else ecm on PATH.")
    private Path ecmPath;

    @Option(names = "--skip-invalid",
            description = "Warn about bad lines of the numbers file and run the rest (default: stop before any work).")
    private boolean skipInvalid;

    @Option(names = "--queue-depth", paramLabel = "N", defaultValue = "1",
            description = "Numbers whose stage 1 is done that may wait for stage 2; the GPU pauses beyond that. Default: ${DEFAULT-VALUE}.")
    private int queueDepth;

    @Option(names = "--keep-residues", description = "Keep residue files after their number is done.")
    private boolean keepResidues;

    @Option(names = "--restart",
            description = "Set aside what an earlier run left in the work dir (journal, results, residues; renamed with a"
                    + " time stamp) and start afresh. Needed to change B1 while unfinished residues remain.")
    private boolean restart;

    @Option(names = "--stage1-timeout", paramLabel = "SECONDS", defaultValue = "604800",
            description = "End a stage-1 run that takes longer, as hung. Default: ${DEFAULT-VALUE} (7 days).")
    private long stage1TimeoutSeconds;

    @Option(names = "--curve-timeout", paramLabel = "SECONDS", defaultValue = "86400",
            description = "End a stage-2 worker whose curve takes longer, as hung. Default: ${DEFAULT-VALUE}.")
    private long curveTimeoutSeconds;

    @Option(names = {"-v", "--verbose"}, description = "Verbose output, including ecm's own lines.")
    private boolean verbose;

    @Override
    public Integer call() throws IOException {
        EcmpipeConfig config = loadConfig();
        long b1 = parseB1();
        BigInteger b2 = parseB2(config);
        List<Integer> devices = parseDevices(config);
        Integer batch = gpuCurves != null ? gpuCurves : config.gpu().curves();
        boolean useCgbn = cgbn != null ? cgbn : Boolean.TRUE.equals(config.gpu().cgbn());
        validateCounts();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();

        if (!Files.isRegularFile(numbersFile)) {
            err.println("ecmpipe run: numbers file " + numbersFile + " does not exist (give one with --numbers-file)");
            return ExitCodes.USAGE;
        }
        NumbersFile.Contents numbers = NumbersFile.read(numbersFile);
        for (InputProblem p : numbers.problems()) {
            err.println("ecmpipe run: " + numbersFile + " " + p);
        }
        if (!numbers.problems().isEmpty() && !skipInvalid) {
            err.println("ecmpipe run: " + numbers.problems().size() + " bad line(s) in " + numbersFile
                    + "; nothing was started (fix them, or use --skip-invalid to run the rest)");
            return ExitCodes.USAGE;
        }
        if (numbers.numbers().isEmpty()) {
            err.println("ecmpipe run: " + numbersFile + " holds no number to run");
            return ExitCodes.USAGE;
        }

        Files.createDirectories(workDir);
        Logging.configure(verbose, workDir.resolve("ecmpipe.log"));
        Path results = resultsFile != null ? resultsFile : workDir.resolve("results.jsonl");
        try (WorkDirLock lock = WorkDirLock.acquire(workDir)) {
            if (restart) {
                WorkDirState.restart(workDir, results);
            }
            try (Journal journal = Journal.open(workDir)) {
                return runWith(journal, numbers, results, config, b1, b2, devices, batch, useCgbn, out, err);
            }
        } catch (IllegalStateException e) {
            err.println("ecmpipe run: " + e.getMessage());
            return ExitCodes.USAGE;
        }
    }

    private int runWith(Journal journal, NumbersFile.Contents numbers, Path results, EcmpipeConfig config, long b1,
                        BigInteger b2, List<Integer> devices, Integer batch, boolean useCgbn, PrintWriter out,
                        PrintWriter err) throws IOException {
        OrphanReaper.reap(journal);
        String incompatible = WorkDirState.incompatibility(journal, b1, CpuStage1Engine.DEFAULT_PARAM);
        if (incompatible != null) {
            err.println("ecmpipe run: the work dir " + workDir + " " + incompatible + ". Nothing was started: use the same"
                    + " B1 to resume, --restart to discard that work, or another --work-dir");
            return ExitCodes.USAGE;
        }
        numbers.problems().forEach(p -> log.warn("{}: skipping {}", numbersFile, p));
        numbers.duplicates().forEach(d -> log.warn("{}: line {} repeats the number of line {}: it runs once", numbersFile,
                d.lineNumber(), d.firstLineNumber()));
        List<String> candidates = numbers.numbers().stream().map(c -> c.value().toString()).toList();
        java.util.Set<String> finished = WorkDirState.finishedNumbers(results, journal, candidates);
        List<Composite> todo = numbers.numbers().stream().filter(c -> !finished.contains(c.value().toString())).toList();
        if (todo.size() < numbers.numbers().size()) {
            log.info("{} of {} number(s) already have a result in {}: not run again", numbers.numbers().size() - todo.size(),
                    numbers.numbers().size(), results);
        }
        if (!keepResidues) {
            WorkDirState.removeStaleResidues(workDir.resolve("residues"), journal);
        }
        JournalRecorder recorder = new JournalRecorder(journal);

        try (ChildProcesses children = new ChildProcesses()) {
            children.listen(recorder);
            Thread hook = children.closeOnShutdown();
            EcmBinary ecm;
            List<Stage1Engine> producers = new ArrayList<>();
            try {
                Path configured = config.ecm().path() == null ? null : Path.of(config.ecm().path());
                ecm = EcmBinary.probe(EcmLocator.locate(ecmPath, configured), children);
                if (!noGpu && !ecm.gpu()) {
                    err.println("ecmpipe run: " + ecm.path() + " (GMP-ECM " + ecm.version() + ") is not a GPU build"
                            + " (configured with " + ecm.configuredWith() + "); run stage 1 on the CPU with --no-gpu,"
                            + " or point --ecm at a GPU build");
                    return ExitCodes.USAGE;
                }
                if (noGpu) {
                    producers.add(new CpuStage1Engine(ecm, children, CpuStage1Engine.DEFAULT_PARAM, stage1Workers));
                } else {
                    for (Integer device : devices) {
                        GpuStage1Engine gpu = new GpuStage1Engine(ecm, children, device, batch, useCgbn);
                        log.info("{}: {} curves per number ({} batch(es) of {})", gpu.name(), gpu.curvesFor(curves),
                                curves, gpu.curvesFor(1));
                        producers.add(gpu);
                    }
                }
            } catch (EcmException e) {
                err.println("ecmpipe run: " + e.getMessage());
                return ExitCodes.USAGE;
            }

            BatchPlan plan = BatchPlan.of(todo, new TrialDivision(TrialDivision.DEFAULT_LIMIT), b1, ecm.version());
            List<PlannedNumber> work = plan.ecmWork().stream().map(n -> recorder.resume(n, b1)).toList();
            long reused = work.stream().filter(n -> n.reusedStage1() != null).count();
            log.info("GMP-ECM {} at {}; {} number(s) to run from {}: {} for ECM ({} with stage 1 done by an earlier run),"
                            + " {} settled by trial division or primality; B1={}, B2={}, stage 1 on {}, {} stage-2 worker(s)",
                    ecm.version(), ecm.path(), plan.total(), numbersFile, work.size(), reused, plan.settled().size(), b1,
                    b2 == null ? "default" : b2, noGpu ? "the CPU" : producers.stream().map(Stage1Engine::name).toList(),
                    stage2Workers);
            journal.append(new JournalEvent.RunStarted(java.time.Instant.now(), b1, CpuStage1Engine.DEFAULT_PARAM, curves,
                    numbersFile.toAbsolutePath().toString(), ProcessHandle.current().pid()));

            PipelineOptions options = new PipelineOptions(b1, b2, curves, stage2Workers, continueAfterFactor, progressInterval,
                    queueDepth, workDir.resolve("residues"), keepResidues, Duration.ofSeconds(stage1TimeoutSeconds),
                    Duration.ofSeconds(curveTimeoutSeconds));
            PipelineReport report;
            PipelineProgress progress = new PipelineProgress(plan.total());
            Submitter submitter = openSubmitter(config);
            boolean stopped;
            try (ResultsFile file = new ResultsFile(results);
                 StatusLine status = new StatusLine(System.err, progress::statusText);
                 Submitter closing = submitter) {
                ResultSink sink = result -> {
                    file.append(result);
                    if (submitter != null) {
                        submitter.accept(result);
                    }
                };
                if (submitter != null) {
                    submitter.resendPending();
                }
                for (CompositeResult settled : plan.settled()) {
                    sink.accept(settled);
                    recorder.settled(settled);
                    progress.settled(settled);
                }
                if (StatusLine.onTerminal()) {
                    Logging.attach(status);
                    status.start();
                }
                Pipeline pipeline = new Pipeline(producers, new Stage2Executor(ecm, children), options, sink,
                        PipelineListeners.of(recorder, progress), ecm.version(), line -> ecmLog.debug("[stage 1] {}", line));
                try (GracefulStop stop = new GracefulStop(Thread.currentThread(), children)) {
                    report = pipeline.run(work);
                    stopped = stop.requested() | Thread.interrupted();
                }
                status.close();
                Submissions.report(submitter, out);
            }
            Runtime.getRuntime().removeShutdownHook(hook);

            List<CompositeResult> all = new ArrayList<>(plan.settled());
            all.addAll(report.results());
            new Summary(all, report, noGpu ? "CPU stage-1" : "GPU").print(out);
            if (stopped || report.interrupted()) {
                out.printf("stopped before the end: %d of %d number(s) done; run the same command again to go on%n",
                        all.size(), plan.total());
            }
            out.flush();
            boolean failed = all.stream().anyMatch(r -> r.status() == CompositeResult.Status.FAILED);
            if (stopped || report.interrupted()) {
                return ExitCodes.RUNTIME_FAILURE;
            }
            return failed || !numbers.problems().isEmpty() ? ExitCodes.PARTIAL : ExitCodes.OK;
        }
    }

    private EcmpipeConfig loadConfig() {
        return Configs.load(spec.commandLine(), configFile);
    }

    private Submitter openSubmitter(EcmpipeConfig config) {
        try {
            return submit.open(workDir, config);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private long parseB1() {
        try {
            BigInteger b1 = Bound.parse(b1Text);
            if (b1.signum() == 0 || b1.bitLength() > 53) {
                throw new ParameterException(spec.commandLine(), "--b1 must be between 1 and 2^53-1, was " + b1Text);
            }
            return b1.longValueExact();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--b1: " + e.getMessage());
        }
    }

    private BigInteger parseB2(EcmpipeConfig config) {
        String text = b2Text != null ? b2Text : config.ecm().b2();
        if (text == null) {
            return null;
        }
        try {
            return Bound.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), (b2Text != null ? "--b2: " : "config ecm.b2: ") + e.getMessage());
        }
    }

    private List<Integer> parseDevices(EcmpipeConfig config) {
        String text = gpuDevice != null ? gpuDevice : config.gpu().device();
        List<Integer> devices = new ArrayList<>();
        if (text == null || text.isBlank()) {
            devices.add(null);
            return devices;
        }
        for (String part : text.split(",")) {
            try {
                int d = Integer.parseInt(part.strip());
                if (d < 0) {
                    throw new NumberFormatException();
                }
                if (devices.contains(d)) {
                    throw new ParameterException(spec.commandLine(), "--gpu-device: device " + d + " is listed twice");
                }
                devices.add(d);
            } catch (NumberFormatException e) {
                throw new ParameterException(spec.commandLine(), "--gpu-device: '" + part.strip()
                        + "' is not a device number (write e.g. 0 or 0,1)");
            }
        }
        return devices;
    }

    private void validateCounts() {
        check(curves >= 1, "--curves must be at least 1");
        check(stage2Workers >= 1, "--stage2-workers must be at least 1");
        check(stage1Workers >= 1, "--stage1-workers must be at least 1");
        check(stage1Workers == 1 || noGpu, "--stage1-workers needs --no-gpu (a GPU runs its batch in one process)");
        check(queueDepth >= 1, "--queue-depth must be at least 1");
        check(progressInterval >= 0, "--progress-interval must not be negative");
        check(gpuCurves == null || gpuCurves >= 1, "--gpu-curves must be at least 1");
        check(stage1TimeoutSeconds >= 1 && curveTimeoutSeconds >= 1, "timeouts must be at least 1 second");
    }

    private void check(boolean ok, String message) {
        if (!ok) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }
}
