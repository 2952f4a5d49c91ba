package org.ecmpipe.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.ecmpipe.config.EcmpipeConfig;
import org.ecmpipe.submit.Submitter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ecmpipe resend}: sends the results waiting in a work dir's outbox. */
@Command(name = "resend", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Send the results waiting in WORK_DIR/outbox (left there when the results server could not be"
                + " reached) to the results server. Each keeps its submission id, so a result the server already has"
                + " is not counted twice.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every waiting result was sent", "1:some are still waiting (server unreachable or failing)",
                "2:usage error", "3:the server refused some (moved to outbox/rejected)"})
public final class ResendCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--work-dir", paramLabel = "DIR", defaultValue = "ecmpipe-work",
            description = "Work dir whose outbox to send. Default: ./${DEFAULT-VALUE}.")
    private Path workDir;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML config file. Default: ecmpipe.yaml if present.")
    private Path configFile;

    @Option(names = "--api-endpoint", paramLabel = "URL", description = "Results server API. Default: the config's api.endpoint, else http://localhost:8000/api/v1.")
    private String apiEndpoint;

    @Override
    public Integer call() throws IOException, InterruptedException {
        EcmpipeConfig config = Configs.load(spec.commandLine(), configFile);
        PrintWriter out = spec.commandLine().getOut();
        if (!Files.isDirectory(workDir)) {
            throw new ParameterException(spec.commandLine(), "--work-dir: " + workDir + " does not exist");
        }
        SubmitOptions options = new SubmitOptions();
        options.apiEndpoint = apiEndpoint;
        Submitter submitter;
        try {
            submitter = options.open(workDir, config);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        try (submitter) {
            int waiting = submitter.resendPending();
            if (waiting == 0) {
                out.println("nothing to send: " + SubmitOptions.outbox(workDir).dir() + " is empty");
                return ExitCodes.OK;
            }
            Submitter.Stats s = submitter.drain(Submissions.DRAIN.multipliedBy(10));
            out.printf("%d sent, %d already on the server, %d refused, %d still waiting%n", s.accepted(), s.duplicates(),
                    s.rejected(), s.waiting());
            out.flush();
            return s.waiting() > 0 ? ExitCodes.RUNTIME_FAILURE : s.rejected() > 0 ? ExitCodes.PARTIAL : ExitCodes.OK;
        }
    }
}
