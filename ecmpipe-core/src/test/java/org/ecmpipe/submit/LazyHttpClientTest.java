package org.ecmpipe.submit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The HttpClient is made at first use only, and closing ends its selector thread: a live one sits in native code,
 * and the JVM waits up to 0.3 s at exit for such threads (measured: `ecmpipe run` with an unreachable results server
 * took 0.3 s longer to exit than with --no-submit, all of it after its last thread ended).
 */
class LazyHttpClientTest {

    private static Set<Thread> selectorThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().endsWith("-SelectorManager") && t.isAlive())
                .collect(Collectors.toSet());
    }

    @Test
    void noClientUntilFirstUseAndNoSelectorThreadAfterClose() throws Exception {
        Set<Thread> before = selectorThreads();
        LazyHttpClient http = new LazyHttpClient(Duration.ofSeconds(1));
        assertThat(selectorThreads()).as("nothing made before the first use").isEqualTo(before);

        assertThat(http.get()).isSameAs(http.get());
        Set<Thread> made = selectorThreads();
        made.removeAll(before);
        assertThat(made).as("the client's selector thread").hasSize(1);

        http.close();
        Thread selector = made.iterator().next();
        selector.join(Duration.ofSeconds(5));
        assertThat(selector.isAlive()).as("selector thread after close").isFalse();
        assertThatThrownBy(http::get).isInstanceOf(IOException.class).hasMessageContaining("closed");
        http.close(); // twice is harmless
    }

    @Test
    void closingAClientNeverUsedMakesNone() {
        Set<Thread> before = selectorThreads();
        new LazyHttpClient(Duration.ofSeconds(1)).close();
        assertThat(selectorThreads()).isEqualTo(before);
    }

    @Test
    void closingASubmitterEndsItsClientsSelectorThread() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("outbox");
        Set<Thread> before = selectorThreads();
        // nothing listens on 127.0.0.1:1: the send is refused at once, after making the client
        SubmissionClient client = new SubmissionClient(java.net.URI.create("http://127.0.0.1:1/api/v1"), 1, Duration.ZERO,
                Duration.ofSeconds(2));
        Submitter submitter = new Submitter(new Outbox(dir), client, "p", "c");
        assertThat(client.send(new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()))
                .isInstanceOf(SubmissionClient.Outcome.Failed.class);
        Set<Thread> made = selectorThreads();
        made.removeAll(before);
        assertThat(made).hasSize(1);
        submitter.close();
        Thread selector = made.iterator().next();
        selector.join(Duration.ofSeconds(5));
        assertThat(selector.isAlive()).as("selector thread after the submitter closed").isFalse();
    }
}
