package org.ecmpipe.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
    @TempDir
    Path dir;

    private ConfigFile load(String name, String yaml) throws Exception {
        return ConfigFile.load(Files.writeString(dir.resolve(name), yaml), Catalog.CONFIG_KEYS);
    }

    @Test
    void readsEveryKeyOfTheOldLayoutWithItsLine() throws Exception {
        ConfigFile c = load("c.yaml", """
                ecm:
                  path: /opt/ecm/bin/ecm
                  b2: 1e11
                api:
                  endpoint: http://localhost:8000/api/v1
                client:
                  username: alice
                  cpu_name: box1
                gpu:
                  device: 0,1
                  curves: 3072
                  cgbn: true
                """);
        assertThat(c.get("ecm.path")).hasValueSatisfying(e -> assertThat(e.text()).isEqualTo("/opt/ecm/bin/ecm"));
        assertThat(c.get("ecm.b2").orElseThrow().line()).isEqualTo(3);
        assertThat(c.get("client.cpu_name").orElseThrow().text()).isEqualTo("box1");
        assertThat(c.get("gpu.device").orElseThrow().text()).isEqualTo("0,1");
        assertThat(c.get("gpu.cgbn").orElseThrow().text()).isEqualTo("true");
    }

    @Test
    void commandLineBeatsTheFileWhichBeatsTheDefaultAndEachKnowsWhere() throws Exception {
        ConfigFile c = load("c.yaml", "ecm:\n  b1: 11e3\n  curves: 8\n");
        Settings s = Settings.resolve(Catalog.RUN, Map.of("ecm.curves", "24"), c);
        assertThat(s.get(Catalog.CURVES).origin()).isEqualTo(Setting.Origin.COMMAND_LINE);
        assertThat(s.count(Catalog.CURVES, 1)).isEqualTo(24);
        assertThat(s.get(Catalog.B1).origin()).isEqualTo(Setting.Origin.CONFIG_FILE);
        assertThat(s.get(Catalog.B1).where()).endsWith("c.yaml line 2 (ecm.b1)");
        assertThat(s.number(Catalog.B1, 1, Long.MAX_VALUE)).isEqualTo(11000);
        assertThat(s.get(Catalog.STAGE2_WORKERS).origin()).isEqualTo(Setting.Origin.DEFAULT);
        assertThat(s.count(Catalog.STAGE2_WORKERS, 1)).isEqualTo(4);
        StringWriter printed = new StringWriter();
        s.print(new PrintWriter(printed));
        assertThat(printed.toString()).contains("ecm.curves", "24", "command line --curves")
                .contains("ecm.b1", "11e3", "c.yaml line 2 (ecm.b1)")
                .contains("stage2.workers", "4", "default");
    }

    @Test
    void emptyAndPartialFilesAreFine() throws Exception {
        assertThat(load("e.yaml", "").get("gpu.curves")).isEmpty();
        assertThat(load("p.yaml", "gpu:\n  curves: 64\n").get("ecm.path")).isEmpty();
    }

    @Test
    void namesTheFileLineAndKeyOfEveryMistake() throws Exception {
        assertThatThrownBy(() -> load("typo.yaml", "ecm:\n  path: /usr/bin/ecm\n  bb2: 5\n"))
                .hasMessageContaining("typo.yaml line 3: unknown key 'ecm.bb2'");
        assertThatThrownBy(() -> load("list.yaml", "gpu:\n  device: [0, 1]\n"))
                .hasMessageContaining("list.yaml line 2: 'gpu.device' takes one value, not a list");
        assertThatThrownBy(() -> load("broken.yaml", "ecm:\n  b1: 11e3\n   curves: [\n"))
                .hasMessageContaining("broken.yaml line").hasMessageContaining("not valid YAML")
                .hasMessageNotContaining("com.fasterxml");
        Settings bad = Settings.resolve(Catalog.RUN, Map.of(), load("bad.yaml", "gpu:\n  curves: many\n"));
        assertThatThrownBy(() -> bad.count(Catalog.GPU_CURVES, 1)).hasMessageContaining("bad.yaml line 2 (gpu.curves)")
                .hasMessageContaining("'many' is not a whole number");
        Settings neg = Settings.resolve(Catalog.RUN, Map.of("stage2.workers", "0"), ConfigFile.empty());
        assertThatThrownBy(() -> neg.count(Catalog.STAGE2_WORKERS, 1)).hasMessage("--stage2-workers: must be at least 1, was 0");
        Settings flag = Settings.resolve(Catalog.RUN, Map.of(), load("flag.yaml", "gpu:\n  cgbn: maybe\n"));
        assertThatThrownBy(() -> flag.flag(Catalog.CGBN)).hasMessageContaining("flag.yaml line 2 (gpu.cgbn): is not true or false");
        Settings huge = Settings.resolve(Catalog.RUN, Map.of("ecm.b1", "1e400000000"), ConfigFile.empty());
        assertThatThrownBy(() -> huge.number(Catalog.B1, 1, Long.MAX_VALUE)).hasMessageContaining("--b1");
    }
}
