package org.ecmpipe.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.ecmpipe.ledger.Layout;
import org.ecmpipe.settings.Catalog;
import org.ecmpipe.settings.Settings;
import org.ecmpipe.submit.Outbox;
import org.ecmpipe.submit.SubmissionClient;
import org.ecmpipe.submit.SubmitSettings;
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
    static final Duration DRAIN = Duration.ofMinutes(10);

    @Spec
    private CommandSpec spec;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Work dir whose outbox to send. Default: ./${DEFAULT-VALUE}.")
    String workDir;
    @Mixin
    ConfigOptions config;
    @Option(names = "--api-endpoint", paramLabel = "URL", description = "Results server API. Default: ${DEFAULT-VALUE}.")
    String apiEndpoint;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        Settings settings = CommandSettings.resolve(spec, Catalog.RESEND, config.file);
        if (config.print) {
            settings.print(out);
            return ExitCodes.OK;
        }
        Path dir = settings.path(Catalog.WORK_DIR);
        if (!Files.isDirectory(dir)) {
            throw new ParameterException(spec.commandLine(), "--work-dir: " + dir + " does not exist");
        }
        SubmitSettings target;
        try {
            target = SubmitSettings.of(settings.text(Catalog.ENDPOINT), settings.text(Catalog.USERNAME),
                    settings.text(Catalog.CPU_NAME));
        } catch (IllegalArgumentException e) {
            throw settings.bad(Catalog.ENDPOINT, e.getMessage());
        }
        Outbox outbox = new Outbox(Layout.of(dir).outboxDir());
        try (Submitter submitter = new Submitter(outbox, new SubmissionClient(target.endpoint(), 3, Duration.ofSeconds(1),
                Duration.ofSeconds(30)), null, target.clientId())) {
            int waiting = submitter.resendPending();
            if (waiting == 0) {
                out.println("nothing to send: " + outbox.dir() + " is empty");
                return ExitCodes.OK;
            }
            Submitter.Stats s = submitter.drain(DRAIN);
            out.printf("%d sent, %d already on the server, %d refused, %d still waiting%n", s.accepted(), s.duplicates(),
                    s.rejected(), s.waiting());
            out.flush();
            return s.waiting() > 0 ? ExitCodes.RUNTIME_FAILURE : s.rejected() > 0 ? ExitCodes.PARTIAL : ExitCodes.OK;
        }
    }
}
