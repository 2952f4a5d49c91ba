package org.ecmpipe.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The worker's retry policy (recording sleeper, no waiting), its server URL rule and its roles. */
class RetryingTest {
    private final List<Duration> slept = new ArrayList<>();

    @Test
    void anUnavailableServerIsTriedAgainWithDoublingWaitsUpToTheCap() throws Exception {
        Retrying retry = new Retrying(slept::add, Duration.ofSeconds(1), Duration.ofSeconds(4), () -> false);
        AtomicInteger calls = new AtomicInteger();
        String answer = retry.call("test", () -> {
            if (calls.incrementAndGet() <= 5) {
                throw new ServerUnavailableException("connection refused");
            }
            return "ok";
        });
        assertThat(answer).isEqualTo("ok");
        assertThat(slept).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4),
                Duration.ofSeconds(4), Duration.ofSeconds(4));
    }

    @Test
    void aRefusalIsFinalAndAStoppingWorkerTriesOnce() {
        Retrying retry = new Retrying(slept::add, Duration.ofSeconds(1), Duration.ofSeconds(4), () -> false);
        assertThatThrownBy(() -> retry.call("test", () -> {
            throw new ServerRefusedException(422, "bad");
        })).isInstanceOf(ServerRefusedException.class).hasMessageContaining("HTTP 422");
        AtomicBoolean stopping = new AtomicBoolean(true);
        Retrying once = new Retrying(slept::add, Duration.ofSeconds(1), Duration.ofSeconds(4), stopping::get);
        assertThatThrownBy(() -> once.call("test", () -> {
            throw new ServerUnavailableException("down");
        })).isInstanceOf(ServerUnavailableException.class);
        assertThat(slept).isEmpty();
    }

    @Test
    void theServerUrlGetsItsApiPathAndRolesAreNamed() {
        assertThat(WorkerSettings.apiBase("http://host:8000")).isEqualTo(URI.create("http://host:8000/api/v1/"));
        assertThat(WorkerSettings.apiBase("http://host:8000/api/v1/")).isEqualTo(URI.create("http://host:8000/api/v1/"));
        assertThatThrownBy(() -> WorkerSettings.apiBase("host:8000")).hasMessageContaining("http://");
        assertThat(Role.parse("Stage1")).isEqualTo(Role.STAGE1);
        assertThat(Role.parse("both")).isEqualTo(Role.BOTH);
        assertThatThrownBy(() -> Role.parse("stage3")).hasMessageContaining("stage1, stage2 or both");
        assertThat(FleetWorker.claimTime(Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(10));
        assertThat(Heartbeat.period(Duration.ofSeconds(1200))).isEqualTo(Duration.ofSeconds(400));
    }
}
