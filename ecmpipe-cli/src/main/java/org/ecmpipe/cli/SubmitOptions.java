package org.ecmpipe.cli;

import picocli.CommandLine.Option;

/** Options of every command that submits results to a results server; read through {@link CommandSettings}. */
final class SubmitOptions {
    @Option(names = "--project", paramLabel = "NAME", description = "Project name sent with results. Default: none.")
    String project;

    @Option(names = "--no-submit", description = "Do not submit results to the results server.")
    boolean noSubmit;

    @Option(names = "--submit", description = "Submit results (the default; overrides api.submit: false in a config file).")
    boolean submit;

    @Option(names = "--api-endpoint", paramLabel = "URL", description = "Results server API. Default: ${DEFAULT-VALUE}.")
    String apiEndpoint;
}
