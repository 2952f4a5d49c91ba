package org.ecmpipe.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ecmpipe admin}: administration of a results server; the work is in its subcommands. */
@Command(name = "admin", mixinStandardHelpOptions = true,
        description = "Administer a results server (admin key from ECMPIPE_ADMIN_KEY or --admin-key-file).",
        subcommands = {AdminAddCommand.class})
public final class AdminCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: ecmpipe admin add --server URL FILE");
    }
}
