package org.ecmpipe.cli;

import java.io.PrintWriter;
import org.ecmpipe.settings.Catalog;
import org.ecmpipe.settings.SettingsException;
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
        cli.getSubcommands().get("run").setDefaultValueProvider(CommandSettings.defaults(Catalog.RUN));
        cli.getSubcommands().get("stage2").setDefaultValueProvider(CommandSettings.defaults(Catalog.STAGE2));
        cli.getSubcommands().get("resend").setDefaultValueProvider(CommandSettings.defaults(Catalog.RESEND));
        cli.getSubcommands().get("doctor").setDefaultValueProvider(CommandSettings.defaults(Catalog.DOCTOR));
        // a usage error: the error and where to read more, not a screenful of help that scrolls it away
        cli.setParameterExceptionHandler((e, args1) -> {
            CommandLine at = e.getCommandLine();
            at.getErr().println("ecmpipe " + at.getCommandName() + ": " + e.getMessage());
            at.getErr().println("see 'ecmpipe " + (at.getParent() == null ? "" : at.getCommandName() + " ") + "--help'");
            return ExitCodes.USAGE;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof SettingsException) {
                commandLine.getErr().println("ecmpipe " + commandLine.getCommandName() + ": " + e.getMessage());
                commandLine.getErr().println("see 'ecmpipe " + commandLine.getCommandName() + " --help'");
                return ExitCodes.USAGE;
            }
            commandLine.getErr().println("ecmpipe: " + e.getMessage());
            return ExitCodes.RUNTIME_FAILURE;
        });
        return cli.execute(args);
    }
}
