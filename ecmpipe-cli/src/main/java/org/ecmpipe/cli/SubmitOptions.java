package org.ecmpipe.cli;

import java.nio.file.Path;
import java.time.Duration;
import org.ecmpipe.config.EcmpipeConfig;
import org.ecmpipe.submit.Outbox;
import org.ecmpipe.submit.SubmissionClient;
import org.ecmpipe.submit.SubmitSettings;
import org.ecmpipe.submit.Submitter;
import picocli.CommandLine.Option;

/** Options of every command that submits results to a results server. */
final class SubmitOptions {
    static final int TRIES = 3;
    static final Duration BACKOFF = Duration.ofSeconds(1);
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Option(names = "--project", paramLabel = "NAME", description = "Project name sent with results. Default: none.")
    String project;

    @Option(names = "--no-submit", description = "Do not submit results to the results server.")
    boolean noSubmit;

    @Option(names = "--api-endpoint", paramLabel = "URL",
            description = "Results server API. Default: the config's api.endpoint, else " + SubmitSettings.DEFAULT_ENDPOINT + ".")
    String apiEndpoint;

    /** The client for {@code WORK_DIR/outbox}, or null with {@code --no-submit}. */
    Submitter open(Path workDir, EcmpipeConfig config) {
        if (noSubmit) {
            return null;
        }
        SubmitSettings settings = SubmitSettings.of(apiEndpoint, config);
        return new Submitter(outbox(workDir), new SubmissionClient(settings.endpoint(), TRIES, BACKOFF, TIMEOUT), project,
                settings.clientId());
    }

    static Outbox outbox(Path workDir) {
        return new Outbox(workDir.resolve("outbox"));
    }
}
