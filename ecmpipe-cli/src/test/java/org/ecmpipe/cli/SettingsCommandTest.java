package org.ecmpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings as users see them: --print-settings, precedence, and errors that name where a bad value was given. */
class SettingsCommandTest {
    private final Console console = new Console();

    @TempDir
    Path dir;

    private int run(String... args) {
        return console.run(args);
    }

    @Test
    void printSettingsShowsEveryValueAndWhereItCameFrom() throws Exception {
        Path config = Files.writeString(dir.resolve("c.yaml"), "ecm:\n  b1: 11e3\n  b2: 5e6\nstage2:\n  workers: 3\n");
        assertThat(run("run", "--config", config.toString(), "--b2", "2e6", "--no-gpu", "--print-settings"))
                .isEqualTo(ExitCodes.OK);
        String table = console.out.toString();
        assertThat(table).containsPattern("ecm\\.b1\\s+11e3\\s+.*c\\.yaml line 2 \\(ecm\\.b1\\)");
        assertThat(table).containsPattern("ecm\\.b2\\s+2e6\\s+command line --b2");
        assertThat(table).containsPattern("stage2\\.workers\\s+3\\s+.*c\\.yaml line 5 \\(stage2\\.workers\\)");
        assertThat(table).containsPattern("gpu\\.enabled\\s+false\\s+command line --no-gpu");
        assertThat(table).containsPattern("ecm\\.curves\\s+1\\s+default");
        assertThat(table).containsPattern("run\\.results\\s+\\(none\\)\\s+default: WORK_DIR/results\\.jsonl");

        console.out.getBuffer().setLength(0);
        assertThat(run("stage2", "--resume", "x.sav", "--workers", "2", "--print-settings")).isEqualTo(ExitCodes.OK);
        assertThat(console.out.toString()).containsPattern("stage2\\.workers\\s+2\\s+command line --stage2-workers")
                .doesNotContain("ecm.b1");
    }

    @Test
    void aLocalOverrideFileBesideTheConfigWinsOverItAndLosesToTheCommandLine() throws Exception {
        Path config = Files.writeString(dir.resolve("team.yaml"), "ecm:\n  b1: 11e3\n  curves: 8\nclient:\n  username: team\n");
        Files.writeString(dir.resolve("team.local.yaml"), "client:\n  username: alice\n  cpu_name: box7\necm:\n  curves: 2\n");
        assertThat(run("run", "--config", config.toString(), "--curves", "5", "--print-settings")).isEqualTo(ExitCodes.OK);
        assertThat(console.out.toString()).containsPattern("client\\.username\\s+alice\\s+.*team\\.local\\.yaml line 2")
                .containsPattern("client\\.cpu_name\\s+box7")
                .containsPattern("ecm\\.b1\\s+11e3\\s+.*team\\.yaml line 2")
                .containsPattern("ecm\\.curves\\s+5\\s+command line --curves");
    }

    @Test
    void positiveFlagsTurnBackOnWhatAConfigFileTurnedOff() throws Exception {
        Path config = Files.writeString(dir.resolve("off.yaml"), "gpu:\n  enabled: false\napi:\n  submit: false\n");
        assertThat(run("run", "--config", config.toString(), "--print-settings")).isEqualTo(ExitCodes.OK);
        assertThat(console.out.toString()).containsPattern("gpu\\.enabled\\s+false\\s+.*off\\.yaml line 2")
                .containsPattern("api\\.submit\\s+false");
        console.out.getBuffer().setLength(0);
        assertThat(run("run", "--config", config.toString(), "--gpu", "--submit", "--print-settings")).isEqualTo(ExitCodes.OK);
        assertThat(console.out.toString()).containsPattern("gpu\\.enabled\\s+true\\s+command line")
                .containsPattern("api\\.submit\\s+true\\s+command line");
        assertThat(run("run", "--gpu", "--no-gpu", "--print-settings")).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void badValuesAreUsageErrorsNamingWhereTheyWereGivenWithoutAScreenOfHelp() throws Exception {
        Path numbers = Files.writeString(dir.resolve("n.txt"), "1000000016000000063\n");
        assertThat(run("run", "--numbers-file", numbers.toString(), "--no-gpu", "--b1", "11000", "--b2", "100",
                "--work-dir", dir.resolve("w").toString())).isEqualTo(ExitCodes.USAGE);
        assertThat(console.err.toString()).contains("--b2: B2=100 must be greater than B1=11000 (or 0 for stage 1 only)",
                "see 'ecmpipe run --help'");
        assertThat(Files.exists(dir.resolve("w/results.jsonl"))).isFalse();

        Path config = Files.writeString(dir.resolve("c.yaml"), "stage2:\n  workers: lots\n");
        console.err.getBuffer().setLength(0);
        assertThat(run("run", "--config", config.toString(), "--numbers-file", numbers.toString(), "--no-gpu"))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(console.err.toString()).contains("c.yaml line 2 (stage2.workers): 'lots' is not a whole number");

        console.err.getBuffer().setLength(0);
        assertThat(run("run", "--no-such-option")).isEqualTo(ExitCodes.USAGE);
        assertThat(console.err.toString().lines().count()).as(console.err.toString()).isLessThanOrEqualTo(3);
        assertThat(console.err.toString()).contains("Unknown option: '--no-such-option'", "see 'ecmpipe run --help'");

        console.err.getBuffer().setLength(0);
        assertThat(run("run", "--numbers-file", numbers.toString(), "--stage1-workers", "2")).isEqualTo(ExitCodes.USAGE);
        assertThat(console.err.toString()).contains("--stage1-workers: needs --no-gpu");
    }

    @Test
    void aWorkDirThatIsAFileIsAUsageErrorSayingSo() throws Exception {
        Path numbers = Files.writeString(dir.resolve("n.txt"), "1000000016000000063\n");
        Path file = Files.writeString(dir.resolve("work-is-a-file"), "x");
        assertThat(run("run", "--numbers-file", numbers.toString(), "--no-gpu", "--b1", "11000", "--work-dir",
                file.toString(), "--no-submit")).isEqualTo(ExitCodes.USAGE);
        assertThat(console.err.toString()).contains("not a directory");
    }
}
