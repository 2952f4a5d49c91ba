package org.ecmpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The top-level command line: {@link Main} builds only the subcommand a command line names (picocli's model of every
 * subcommand cost start-up time), so what needs all of them (the top-level help, {@code help COMMAND}, a mistyped
 * name) must still have them.
 */
class MainTest {
    private final Console console = new Console();

    @Test
    void topLevelHelpListsEveryCommand() {
        assertThat(console.run("--help")).isEqualTo(ExitCodes.OK);
        assertThat(console.out.toString()).containsPattern(
                "(?s)Commands:\\s+run .*stage2 .*resend .*server .*admin .*worker .*doctor .*tlevel .*help ");
    }

    @Test
    void helpNamesACommandAndACommandShowsItsOwnHelp() {
        assertThat(console.run("help", "tlevel")).isEqualTo(ExitCodes.OK);
        assertThat(console.out.toString()).startsWith("Usage: ecmpipe tlevel");
        console.out.getBuffer().setLength(0);
        assertThat(console.run("worker", "--help")).isEqualTo(ExitCodes.OK);
        assertThat(console.out.toString()).startsWith("Usage: ecmpipe worker");
    }

    @Test
    void aMistypedCommandOrOptionIsAUsageErrorThatSaysWhereToLook() {
        assertThat(console.run("rn", "--no-gpu")).isEqualTo(ExitCodes.USAGE);
        assertThat(console.err.toString()).startsWith("ecmpipe: Unmatched arguments from index 0: 'rn'")
                .contains("see 'ecmpipe --help'");
        console.err.getBuffer().setLength(0);
        assertThat(console.run("run", "--nogpu")).isEqualTo(ExitCodes.USAGE);
        assertThat(console.err.toString()).contains("ecmpipe run: Unknown option: '--nogpu'")
                .contains("did you mean: --no-gpu").contains("see 'ecmpipe run --help'");
    }

    @Test
    void theVersionIsPrinted() {
        assertThat(console.run("--version")).isEqualTo(ExitCodes.OK);
        assertThat(console.out.toString()).startsWith("ecmpipe ");
    }
}
