package org.ecmpipe.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.ecmpipe.batch.BatchOutcome;
import org.ecmpipe.batch.BatchRun;
import org.ecmpipe.batch.BatchSetupException;
import org.ecmpipe.batch.NumberSource;
import org.ecmpipe.batch.RunSettings;
import org.ecmpipe.ledger.Layout;
import org.ecmpipe.settings.Catalog;
import org.ecmpipe.settings.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ecmpipe run}: options in, {@link BatchRun} does the work, progress and the summary out. */
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

    @Spec
    private CommandSpec spec;

    @Option(names = "--numbers-file", paramLabel = "FILE",
            description = "Numbers to factor, one per line (GMP-ECM expressions allowed; # comments). Default: ${DEFAULT-VALUE}.")
    String numbersFile;
    @Option(names = "--b1", paramLabel = "N", description = "Stage-1 bound; 160000000 or 16e7. Default: ${DEFAULT-VALUE}.")
    String b1;
    @Mixin
    Stage2Options stage2;
    @Option(names = "--curves", paramLabel = "N", description = "Curves per number; on the GPU one unit is one GPU batch"
            + " (1 = 3072 curves on a card whose batch is 3072). Default: ${DEFAULT-VALUE}.")
    String curves;
    @Option(names = "--param", paramLabel = "P", description = "Parametrization of CPU stage-1 curves (0-3; the GPU"
            + " makes param 3 only). Default: ${DEFAULT-VALUE}.")
    String param;
    @Option(names = "--target-t", paramLabel = "T", description = "Run rounds of curves until each number's t-level"
            + " reaches T (e.g. 35); B1 from the usual ladder unless --b1 is given, curves to the next level unless"
            + " --curves is given.")
    String targetT;
    @Option(names = "--gpu-device", paramLabel = "N[,N...]",
            description = "GPU(s) to use; a comma list runs one stage-1 producer per GPU. Default: ecm's default.")
    String gpuDevice;
    @Option(names = "--gpu-curves", paramLabel = "N", description = "Curves per GPU kernel launch (batch). Default: ecm's default.")
    String gpuCurves;
    @Option(names = "--cgbn", description = "Pass -cgbn (GMP-ECM 7.0.5 built with CGBN).")
    boolean cgbn;
    @Option(names = "--no-gpu", description = "Stage 1 on the CPU instead of the GPU.")
    boolean noGpu;
    @Option(names = "--stage1-workers", paramLabel = "N",
            description = "With --no-gpu: CPU processes to split each number's stage-1 curves over. Default: ${DEFAULT-VALUE}.")
    String stage1Workers;
    @Option(names = "--stage1-timeout", paramLabel = "SECONDS",
            description = "End a stage-1 run that takes longer, as hung. Default: ${DEFAULT-VALUE} (7 days).")
    String stage1Timeout;
    @Option(names = "--queue-depth", paramLabel = "N",
            description = "Numbers whose stage 1 is done that may wait for stage 2; the GPU pauses beyond that. Default: ${DEFAULT-VALUE}.")
    String queueDepth;
    @Option(names = "--keep-residues", description = "Keep residue files after their number is done.")
    boolean keepResidues;
    @Option(names = "--max-digits", paramLabel = "N",
            description = "Numbers with more digits are bad lines (ECM would not finish on them). Default: ${DEFAULT-VALUE}.")
    String maxDigits;
    @Option(names = "--skip-invalid", description = "Warn about bad lines of the numbers file and run the rest (default: stop before any work).")
    boolean skipInvalid;
    @Option(names = "--retry-failed", description = "Run again the numbers an earlier run in this work dir failed.")
    boolean retryFailed;
    @Option(names = "--restart", description = "Set aside what an earlier run left in the work dir (journal, results, residues;"
            + " renamed with a time stamp) and start afresh. Needed to change B1 while unfinished residues remain.")
    boolean restart;
    @Mixin
    SubmitOptions submit;
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Settings settings = CommandSettings.resolve(spec, Catalog.RUN, common.config.file);
        if (common.config.print) {
            settings.print(out);
            return ExitCodes.OK;
        }
        RunSettings run = RunSettings.from(settings);
        Logging.configure(common.verbose, Layout.of(run.workDir()).logFile());
        Path file = settings.path(Catalog.NUMBERS_FILE);
        NumbersInput input = NumbersInput.read(file, settings.flag(Catalog.SKIP_INVALID),
                settings.count(Catalog.MAX_DIGITS, 1), err);
        if (input.exitCode() != null) {
            return input.exitCode();
        }
        BatchRun batch = new BatchRun(run, Clock.systemUTC());
        PipelineProgress progress = new PipelineProgress(input.numbers().size());
        BatchOutcome outcome;
        try (StatusLine status = StatusLine.forTerminal(System.err, progress::statusText);
             GracefulStop stop = new GracefulStop(Thread.currentThread(), batch::endChildrenNow)) {
            outcome = batch.run(new NumberSource(file.toString(), input.numbers()), progress, restart, retryFailed);
        } catch (BatchSetupException e) {
            log.error("{}", e.getMessage());
            err.println("ecmpipe run: " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (IOException e) {
            log.error("run stopped: {}", e.getMessage());
            err.println("ecmpipe run: stopped: " + e.getMessage() + ". Everything recorded before is intact: fix this and"
                    + " run the same command again to go on.");
            return ExitCodes.RUNTIME_FAILURE;
        }
        new Summary(outcome, run.gpu() ? "GPU" : "CPU stage-1").print(out);
        if (outcome.stopped()) {
            return ExitCodes.RUNTIME_FAILURE;
        }
        return outcome.anyFailed() || input.skippedLines() > 0 ? ExitCodes.PARTIAL : ExitCodes.OK;
    }
}
