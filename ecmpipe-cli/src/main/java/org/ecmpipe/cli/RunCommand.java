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
import picocli.CommandLine.Spec;

/** {@code ecmpipe run}: options in, {@link BatchRun} does the work, progress and the summary out. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Factor every number of a numbers file with ECM: stage 1 on the GPU while CPU workers run stage 2"
                + " of the previous number (with --no-gpu both stages share the CPU's cores, each idle core taking"
                + " whatever work there is). Options given on the command line override"
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

    @Mixin
    RunOptions options;
    @Mixin
    Stage2Options stage2;
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
            outcome = batch.run(new NumberSource(file.toString(), input.numbers()), progress, options.restart,
                    options.retryFailed);
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
