package org.ecmpipe.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options every working command has; read through {@link CommandSettings} (the config options directly). */
final class CommonOptions {
    @Mixin
    ConfigOptions config;

    @Option(names = {"-v", "--verbose"}, description = "Verbose output, including ecm's own lines.")
    boolean verbose;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Residues, results, journal and logs. Default: ./${DEFAULT-VALUE}.")
    String workDir;

    @Option(names = "--results", paramLabel = "FILE", description = "JSON Lines results file. Default: WORK_DIR/results.jsonl.")
    String results;

    @Option(names = "--ecm", paramLabel = "PATH", description = "GMP-ECM executable. Default: ecm on PATH.")
    String ecm;
}
