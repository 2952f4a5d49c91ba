package org.ecmpipe.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.ecmpipe.batch.BatchSetupException;
import org.ecmpipe.batch.ResidueFileRun;
import org.ecmpipe.batch.Stage2Settings;
import org.ecmpipe.composite.Composite;
import org.ecmpipe.ecm.EcmBinary;
import org.ecmpipe.ecm.FoundFactor;
import org.ecmpipe.ledger.Layout;
import org.ecmpipe.residue.CompositeResidues;
import org.ecmpipe.residue.ResidueFile;
import org.ecmpipe.residue.ResidueProblem;
import org.ecmpipe.result.CompositeResult;
import org.ecmpipe.settings.Catalog;
import org.ecmpipe.settings.Settings;
import org.ecmpipe.stage2.CurveFailure;
import org.ecmpipe.stage2.Stage2Listener;
import org.ecmpipe.stage2.Stage2Progress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ecmpipe stage2}: options in, {@link ResidueFileRun} does the work, progress and a summary line out. */
@Command(name = "stage2", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run ECM stage 2 on the residues of a GMP-ECM save file (ecm -save ... B1 0), on several"
                + " CPU workers fed one curve at a time; a worker with nothing left in its number starts on the next"
                + " one. B1 comes from the file; one results line is written per number in the file, in file order.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:all numbers done",
                "1:runtime failure, or stopped (Ctrl-C, SIGTERM) before the end",
                "2:usage or input error before any work",
                "3:finished, but some residue lines were skipped or some number failed"})
public final class Stage2Command implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(Stage2Command.class);
    private static final Logger ecmLog = LoggerFactory.getLogger(Logging.ECM_OUTPUT);

    @Spec
    private CommandSpec spec;

    @Option(names = "--resume", required = true, paramLabel = "FILE", description = "GMP-ECM residue (save) file to run stage 2 on.")
    Path resumeFile;
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
        Settings settings = CommandSettings.resolve(spec, Catalog.STAGE2, common.config.file);
        if (common.config.print) {
            settings.print(out);
            return ExitCodes.OK;
        }
        Stage2Settings run = Stage2Settings.from(settings);
        if (!Files.isRegularFile(resumeFile)) {
            err.println("ecmpipe stage2: residue file " + resumeFile + " does not exist or is not a file");
            return ExitCodes.USAGE;
        }
        Logging.configure(common.verbose, Layout.of(run.workDir()).logFile());
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
        ResidueFileRun residueRun = new ResidueFileRun(run, Clock.systemUTC());
        ResidueFileRun.Outcome outcome;
        try (GracefulStop stop = new GracefulStop(Thread.currentThread(), residueRun::endChildrenNow)) {
            outcome = residueRun.run(numbers, new Progress(run.workers()));
        } catch (BatchSetupException e) {
            log.error("{}", e.getMessage());
            err.println("ecmpipe stage2: " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (IOException e) {
            log.error("stopped: {}", e.getMessage());
            err.println("ecmpipe stage2: stopped: " + e.getMessage());
            return ExitCodes.RUNTIME_FAILURE;
        }
        long failed = outcome.results().stream().filter(r -> r.status() != CompositeResult.Status.DONE).count();
        if (outcome.submissions() != null) {
            var s = outcome.submissions();
            out.printf("submissions: %d sent, %d already on the server, %d refused, %d waiting in the outbox%n",
                    s.accepted(), s.duplicates(), s.rejected(), s.waiting());
        }
        out.printf("%d number(s), %d failed, %d residue line(s) skipped; results in %s%n", numbers.size(), failed,
                problems.size(), outcome.resultsFile());
        out.flush();
        if (outcome.stopped()) {
            return ExitCodes.RUNTIME_FAILURE;
        }
        return failed > 0 || !problems.isEmpty() ? ExitCodes.PARTIAL : ExitCodes.OK;
    }

    /** Turns each number's stage 2 into log lines. */
    private record Progress(int workers) implements ResidueFileRun.Listener {
        @Override
        public Stage2Listener starting(int position, int count, CompositeResidues number, EcmBinary ecm) {
            String at = "[" + position + "/" + count + "]";
            log.info("{} Stage 2 for {} ({} digits): {} curves, B1={}, {} worker(s) (GMP-ECM {})", at,
                    Composite.abbreviate(number.composite()), number.composite().toString().length(),
                    number.residues().size(), number.b1(), Math.min(workers, number.residues().size()), ecm.version());
            return new LoggingListener(at);
        }

        @Override
        public void finished(int position, int count, CompositeResult r) {
            String at = "[" + position + "/" + count + "]";
            String seconds = String.format("%.1fs", r.stage2Seconds());
            if (r.status() == CompositeResult.Status.FAILED) {
                log.error("{} Stage 2 failed after {}: {}", at, seconds, r.reasonText());
            } else if (r.factors().isEmpty()) {
                log.info("{} Stage 2 complete in {}, no factor ({} curves, B2={})", at, seconds, r.stage2Curves(), r.b2());
            } else {
                log.info("{} Stage 2 complete in {}: factors {}; cofactor {} ({})", at, seconds,
                        r.factors().stream().map(f -> f.factor() + (f.prime() ? " (prime)" : " (composite)")).toList(),
                        Composite.abbreviate(r.cofactor()), r.cofactorPrime() ? "prime" : "composite");
            }
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
