package org.ecmpipe.cli;

import picocli.CommandLine;

/** Entry point of the {@code ecmpipe} program. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the program and returns its exit code (see {@link ExitCodes}); for tests and the launcher. */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new EcmpipeCommand());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("ecmpipe: " + e.getMessage());
            return ExitCodes.RUNTIME_FAILURE;
        });
        return cli.execute(args);
    }
}
