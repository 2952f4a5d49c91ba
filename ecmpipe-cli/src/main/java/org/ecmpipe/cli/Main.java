package org.ecmpipe.cli;

import java.io.PrintWriter;
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
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs the program with its own output and error streams (for tests). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new EcmpipeCommand());
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("ecmpipe: " + e.getMessage());
            return ExitCodes.RUNTIME_FAILURE;
        });
        return cli.execute(args);
    }
}
