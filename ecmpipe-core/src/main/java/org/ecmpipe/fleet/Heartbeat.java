package org.ecmpipe.fleet;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a lease or claim alive while its work runs: every {@code period} (a third of the lease time) on its own
 * scheduled thread it asks the server whether the work is still held. When the server says it is not (a factor was
 * found elsewhere, the lease expired or was taken), it calls {@code onLost} once (which ends the work's ecm children)
 * and stops. A server that cannot be reached does not end the work: the next beat tries again.
 */
final class Heartbeat implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

    @FunctionalInterface
    interface Beat {
        /** True while the server still holds the work for this worker. */
        boolean held() throws IOException, InterruptedException;
    }

    private final String what;
    private final Beat beat;
    private final Runnable onLost;
    private final Clock clock;
    private final Duration leaseTime;
    private final ScheduledExecutorService timer;
    private volatile Instant lastHeard;
    private volatile boolean lost;

    Heartbeat(String what, Duration leaseTime, Clock clock, Beat beat, Runnable onLost) {
        this.what = what;
        this.beat = beat;
        this.onLost = onLost;
        this.clock = clock;
        this.leaseTime = leaseTime;
        this.lastHeard = clock.instant();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("heartbeat").unstarted(r));
        long period = Math.max(1000, leaseTime.toMillis() / 3);
        timer.scheduleWithFixedDelay(this::beat, period, period, TimeUnit.MILLISECONDS);
    }

    static Duration period(Duration leaseTime) {
        return Duration.ofMillis(Math.max(1000, leaseTime.toMillis() / 3));
    }

    private void beat() {
        if (lost) {
            return;
        }
        try {
            if (beat.held()) {
                lastHeard = clock.instant();
                return;
            }
            lost = true;
            log.warn("{}: the server no longer holds it for this worker; ending its ecm processes", what);
            onLost.run();
            timer.shutdown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            Duration silent = Duration.between(lastHeard, clock.instant());
            log.warn("{}: heartbeat failed ({}); {} s since the server last confirmed it{}", what, e.getMessage(),
                    silent.toSeconds(), silent.compareTo(leaseTime) > 0 ? " (longer than the lease: it may have expired)" : "");
        }
    }

    /** Whether the server said the work is no longer held. */
    boolean lost() {
        return lost;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            if (!timer.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("{}: heartbeat thread still busy", what);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
