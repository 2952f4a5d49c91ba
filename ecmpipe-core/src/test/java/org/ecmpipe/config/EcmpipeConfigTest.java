package org.ecmpipe.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EcmpipeConfigTest {
    @TempDir
    Path dir;

    @Test
    void readsEveryKey() throws Exception {
        Path file = Files.writeString(dir.resolve("c.yaml"), """
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
        EcmpipeConfig c = EcmpipeConfig.load(file);
        assertThat(c.ecm().path()).isEqualTo("/opt/ecm/bin/ecm");
        assertThat(c.ecm().b2()).isEqualTo("1e11");
        assertThat(c.api().endpoint()).isEqualTo("http://localhost:8000/api/v1");
        assertThat(c.client().username()).isEqualTo("alice");
        assertThat(c.client().cpuName()).isEqualTo("box1");
        assertThat(c.gpu().device()).isEqualTo("0,1");
        assertThat(c.gpu().curves()).isEqualTo(3072);
        assertThat(c.gpu().cgbn()).isTrue();
    }

    @Test
    void emptyAndPartialFilesAreFine() throws Exception {
        assertThat(EcmpipeConfig.load(Files.writeString(dir.resolve("e.yaml"), "")).gpu().curves()).isNull();
        assertThat(EcmpipeConfig.load(Files.writeString(dir.resolve("p.yaml"), "gpu:\n  curves: 64\n")).ecm().path()).isNull();
    }

    @Test
    void namesTheLineAndKeyOfAMistake() throws Exception {
        Path typo = Files.writeString(dir.resolve("typo.yaml"), "ecm:\n  path: /usr/bin/ecm\n  bb2: 5\n");
        assertThatThrownBy(() -> EcmpipeConfig.load(typo)).hasMessageContaining("typo.yaml line 3: unknown key 'bb2'");
        Path badValue = Files.writeString(dir.resolve("bad.yaml"), "gpu:\n  curves: many\n");
        assertThatThrownBy(() -> EcmpipeConfig.load(badValue)).hasMessageContaining("bad.yaml line 2");
    }
}
