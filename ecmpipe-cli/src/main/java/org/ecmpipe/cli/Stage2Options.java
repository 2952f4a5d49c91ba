package org.ecmpipe.cli;

import picocli.CommandLine.Option;

/** Stage-2 options shared by {@code run} and {@code stage2}; read through {@link CommandSettings}. */
final class Stage2Options {
    @Option(names = "--b2", paramLabel = "N", description = "Stage-2 bound, e.g. 2e9; 0 = stage 1 only; auto (run only) = as long as stage 1 takes."
            + " Default: GMP-ECM's default for B1.")
    String b2;

    @Option(names = {"--stage2-workers", "--workers"}, paramLabel = "N",
            description = "Concurrent ecm -resume processes for stage 2. Default: ${DEFAULT-VALUE}.")
    String workers;

    @Option(names = "--maxmem", paramLabel = "MB", description = "ecm's -maxmem for each stage-2 worker (needed for"
            + " large B2 on many workers). Default: no limit.")
    String maxMemory;

    @Option(names = "--continue-after-factor", description = "Stage 2 runs every curve even after a factor.")
    boolean continueAfterFactor;

    @Option(names = "--progress-interval", paramLabel = "N", description = "Log stage-2 progress every N curves; 0 = off. Default: ${DEFAULT-VALUE}.")
    String progressInterval;

    @Option(names = "--curve-timeout", paramLabel = "SECONDS",
            description = "End a stage-2 worker whose curve takes longer, as hung. Default: ${DEFAULT-VALUE}.")
    String curveTimeout;
}
