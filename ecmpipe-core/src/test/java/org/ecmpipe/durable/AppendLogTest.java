package org.ecmpipe.durable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ecmpipe.testing.SmallFilesystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppendLogTest {
    @TempDir
    Path dir;

    /** A full disk (a real tmpfs): a line that cannot be written whole leaves nothing of itself behind. */
    @Test
    void aLineThatDoesNotFitOnAFullDiskLeavesNoPartOfItselfAndLaterLinesFollowTheLastWholeOne() throws Exception {
        try (SmallFilesystem fs = SmallFilesystem.mount(dir.resolve("mnt"), "256k")) {
            Path file = fs.path().resolve("log.jsonl");
            try (AppendLog log = new AppendLog(file)) {
                log.append("before");
                Path filler = fs.fill();
                String big = "x".repeat(64 * 1024); // more than the free tail of the file's last page
                assertThatThrownBy(() -> log.append(big)).isInstanceOf(IOException.class)
                        .hasMessageContaining("No space left on device");
                assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo("before\n");
                Files.delete(filler);
                log.append("after");
            }
            try (AppendLog log = new AppendLog(file)) {
                log.append("last");
            }
            assertThat(Files.readAllLines(file)).containsExactly("before", "after", "last");
        }
    }
}
