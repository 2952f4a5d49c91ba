package org.ecmpipe.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.ecmpipe.batch.BatchSetupException;
import org.ecmpipe.fleet.FleetWorker;
import org.ecmpipe.fleet.Role;
import org.ecmpipe.fleet.WorkerOutcome;
import org.ecmpipe.fleet.WorkerSettings;
import org.ecmpipe.ledger.Layout;
import org.ecmpipe.submit.SubmitSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ecmpipe worker}: options in, {@link FleetWorker} does the work, a summary out. */
@Command(name = "worker", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Work for a results server (ecmpipe server): lease ECM work or claim residue files, run them, send"
                + " the results, repeat. stage1: stage 1 (GPU, or CPU with --no-gpu) of leased curves, residue files"
                + " uploaded for stage-2 workers; stage2: stage 2 of claimed residue files; both: the overlapped pipeline"
                + " of `run` on leased curves. A heartbeat keeps each lease or claim; a lease cancelled by the server (a"
                + " factor was found) ends that number's ecm processes. Ctrl-C or SIGTERM hands the held lease or claim"
                + " back. Work is journaled in WORK_DIR/fleet before it runs: a killed worker restarted on the same work"
                + " dir resumes it (or hands it back) and never runs the same curves twice. While the server is down the"
                + " worker waits and retries; results are kept until the server has them.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:--until-idle: no work is left for this role",
                "1:runtime failure, or the worker was stopped (Ctrl-C, SIGTERM)",
                "2:usage error, or the worker could not start (nothing was run)"})
public final class WorkerCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(WorkerCommand.class);

    @Spec
    private CommandSpec spec;

    @Option(names = "--server", required = true, paramLabel = "URL",
            description = "The results server, e.g. http://host:8000 (its API /api/v1 is added when missing).")
    String server;

    @Option(names = "--role", required = true, paramLabel = "ROLE", description = "stage1, stage2 or both.")
    String role;

    @Option(names = "--no-gpu", description = "Stage 1 on the CPU (ecm -save), not the GPU.")
    boolean noGpu;

    @Option(names = "--gpu-device", paramLabel = "N", description = "The GPU for stage 1. Default: ecm's default device.")
    Integer gpuDevice;

    @Option(names = "--gpu-curves", paramLabel = "N", description = "Curves per GPU batch. Default: one batch of the leased curves.")
    Integer gpuCurves;

    @Option(names = "--stage2-workers", paramLabel = "N", defaultValue = "1",
            description = "Parallel stage-2 ecm processes. Default: ${DEFAULT-VALUE}.")
    int stage2Workers;

    @Option(names = "--work-dir", paramLabel = "DIR", defaultValue = "ecmpipe-worker",
            description = "The worker's own work dir (one worker each): held work, logs. Default: ./${DEFAULT-VALUE}.")
    Path workDir;

    @Option(names = "--client-id", paramLabel = "ID", description = "Who this worker is to the server. Default: USER-HOST.")
    String clientId;

    @Option(names = "--until-idle", description = "Exit (0) when the server has no work for this role and nothing running"
            + " in the fleet can make more; without it the worker waits for work until stopped.")
    boolean untilIdle;

    @Option(names = "--max-curves", paramLabel = "N",
            description = "Most curves asked for in one lease. Default: 100 on the CPU, 1000 on a GPU.")
    Integer maxCurves;

    @Option(names = "--poll-seconds", paramLabel = "S", defaultValue = "5",
            description = "Wait between requests when the server has no work. Default: ${DEFAULT-VALUE}.")
    long pollSeconds;

    @Option(names = "--idle-wait", paramLabel = "S", defaultValue = "30",
            description = "With --until-idle, when nothing runs in the fleet: how long to wait for work another role may"
                    + " still make (residues for stage 2, freed curves for stage 1). Default: ${DEFAULT-VALUE}.")
    long idleWaitSeconds;

    @Option(names = "--ecm", paramLabel = "PATH", description = "GMP-ECM executable. Default: ecm on PATH.")
    Path ecm;

    @Option(names = "--project", paramLabel = "NAME", description = "Project name sent with results. Default: none.")
    String project;

    @Option(names = "--stage1-timeout", paramLabel = "S", defaultValue = "604800",
            description = "Longest one stage-1 ecm run may take. Default: ${DEFAULT-VALUE}.")
    long stage1Timeout;

    @Option(names = "--curve-timeout", paramLabel = "S", defaultValue = "86400",
            description = "Longest one stage-2 curve may take. Default: ${DEFAULT-VALUE}.")
    long curveTimeout;

    @Option(names = {"-v", "--verbose"}, description = "Verbose output, including ecm's own lines.")
    boolean verbose;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        WorkerSettings settings;
        try {
            Role r = Role.parse(role);
            URI api = WorkerSettings.apiBase(server);
            String id = clientId != null ? clientId : SubmitSettings.of(api.toString(), null, null).clientId();
            if (id.isBlank() || id.length() > 256) {
                throw new IllegalArgumentException("--client-id must be 1-256 characters");
            }
            if (pollSeconds < 1 || idleWaitSeconds < 0 || stage1Timeout < 1 || curveTimeout < 1) {
                throw new IllegalArgumentException("--poll-seconds, --stage1-timeout and --curve-timeout must be at least 1,"
                        + " --idle-wait at least 0");
            }
            boolean gpu = !noGpu && r != Role.STAGE2;
            int curves = maxCurves != null ? maxCurves : gpu ? 1000 : 100;
            settings = new WorkerSettings(api, id, r, gpu, gpuDevice, gpuCurves, stage2Workers, workDir, untilIdle, ecm, project,
                    curves, Duration.ofSeconds(pollSeconds), Duration.ofSeconds(idleWaitSeconds), Duration.ofSeconds(stage1Timeout),
                    Duration.ofSeconds(curveTimeout));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        java.nio.file.Files.createDirectories(workDir);
        Logging.configure(verbose, Layout.of(workDir).logFile());
        FleetWorker worker = new FleetWorker(settings, Clock.systemUTC());
        WorkerOutcome outcome;
        try (GracefulStop stop = new GracefulStop(Thread.currentThread(), worker::endChildrenNow)) {
            outcome = worker.run();
        } catch (BatchSetupException e) {
            log.error("{}", e.getMessage());
            err.println("ecmpipe worker: " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (IOException e) {
            log.error("worker stopped: {}", e.getMessage());
            err.println("ecmpipe worker: stopped: " + e.getMessage() + ". Work held is journaled in " + workDir
                    + "/fleet: start the worker again on it to go on.");
            return ExitCodes.RUNTIME_FAILURE;
        }
        out.printf("Worker %s (%s): %d lease(s) and %d residue file(s) done, %d handed back; factors found: %s%n",
                settings.clientId(), settings.role().wire(), outcome.leasesDone(), outcome.residuesDone(), outcome.handedBack(),
                outcome.factors().isEmpty() ? "none" : outcome.factors().stream().map(Object::toString)
                        .collect(java.util.stream.Collectors.joining(" ")));
        out.flush();
        return outcome.stopped() ? ExitCodes.RUNTIME_FAILURE : ExitCodes.OK;
    }
}
