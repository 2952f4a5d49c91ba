package org.ecmpipe.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where settings come from, and showing them: options of every command that has settings. */
final class ConfigOptions {
    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML config file; any setting of --print-settings may be set there. Default: ecmpipe.yaml if present.")
    Path file;

    @Option(names = "--print-settings", description = "Print the effective settings and where each came from, then exit.")
    boolean print;
}
