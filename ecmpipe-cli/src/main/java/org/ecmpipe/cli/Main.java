package org.ecmpipe.cli;

import java.io.PrintWriter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.ecmpipe.settings.Catalog;
import org.ecmpipe.settings.SettingSpec;
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

    /**
     * The subcommands in the order {@code ecmpipe --help} lists them. picocli builds a command's model (every option,
     * read by reflection) when the command is added, so {@link #commandLine} adds only the one a command line names.
     */
    private static final Map<String, Supplier<Object>> SUBCOMMANDS = subcommands();

    private static Map<String, Supplier<Object>> subcommands() {
        Map<String, Supplier<Object>> all = new LinkedHashMap<>();
        all.put("run", RunCommand::new);
        all.put("stage2", Stage2Command::new);
        all.put("resend", ResendCommand::new);
        all.put("server", ServerCommand::new);
        all.put("admin", AdminCommand::new);
        all.put("worker", WorkerCommand::new);
        all.put("doctor", DoctorCommand::new);
        all.put("tlevel", TlevelCommand::new);
        all.put("help", CommandLine.HelpCommand::new);
        return Collections.unmodifiableMap(all);
    }

    /**
     * The command line for these arguments: when the first one names a subcommand, only that subcommand (all it
     * needs, its own help included); otherwise ({@code --help}, {@code help}, {@code --version}, a mistyped name,
     * nothing) all of them, so the top-level help lists them and a typo gets picocli's suggestions.
     */
    static CommandLine commandLine(String... args) {
        CommandLine cli = new CommandLine(new EcmpipeCommand());
        String first = args.length == 0 ? "" : args[0];
        if (SUBCOMMANDS.containsKey(first) && !first.equals("help")) {
            cli.addSubcommand(SUBCOMMANDS.get(first).get());
        } else {
            SUBCOMMANDS.values().forEach(command -> cli.addSubcommand(command.get()));
        }
        return cli;
    }

    /** Runs the program with its own output and error streams (for tests). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = commandLine(args);
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        defaults(cli, "run", Catalog.RUN);
        defaults(cli, "stage2", Catalog.STAGE2);
        defaults(cli, "resend", Catalog.RESEND);
        defaults(cli, "doctor", Catalog.DOCTOR);
        // a usage error: the error and where to read more, not a screenful of help that scrolls it away
        cli.setParameterExceptionHandler((e, args1) -> {
            CommandLine at = e.getCommandLine();
            at.getErr().println((at.getParent() == null ? "ecmpipe" : "ecmpipe " + at.getCommandName()) + ": " + e.getMessage());
            if (e instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.getSuggestions().isEmpty()) {
                at.getErr().println("did you mean: " + String.join(", ", unmatched.getSuggestions()) + "?");
            }
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

    /** Defaults from the settings file for a subcommand, if the command line has it. */
    private static void defaults(CommandLine cli, String name, List<SettingSpec> command) {
        CommandLine sub = cli.getSubcommands().get(name);
        if (sub != null) {
            sub.setDefaultValueProvider(CommandSettings.defaults(command));
        }
    }
}
