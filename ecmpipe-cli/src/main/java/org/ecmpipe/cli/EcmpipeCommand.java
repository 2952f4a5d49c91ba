package org.ecmpipe.cli;

import picocli.CommandLine.Command;

/**
 * {@code ecmpipe}: the top-level command; the work is in its subcommands, which {@link Main} adds (all of them, or
 * only the one named on the command line: building picocli's model of every subcommand cost start-up time).
 */
@Command(name = "ecmpipe", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Factors batches of large integers with ECM by driving GMP-ECM: stage 1 on the GPU"
                + " (or CPU) while CPU workers run stage 2 of the previous number.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:all numbers done",
                "1:runtime failure, or the run was stopped (Ctrl-C, SIGTERM) before the end",
                "2:usage or input error before any work",
                "3:finished, but some input was skipped or some number failed"})
public final class EcmpipeCommand {
}
