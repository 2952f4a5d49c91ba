package org.ecmpipe.fleet;

import java.io.IOException;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.ecmpipe.submit.SubmissionClient.Sleeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls the server until it answers: while it is unavailable, waits with doubling backoff (from {@code first} up to
 * {@code max}) and tries again, for as long as it takes, so a server restart or outage costs time but loses nothing.
 * A refusal is final and thrown at once. Once the worker is stopping, one try is all a call gets.
 */
final class Retrying {
    private static final Logger log = LoggerFactory.getLogger(Retrying.class);

    @FunctionalInterface
    interface Call<T> {
        T call() throws IOException, InterruptedException;
    }

    private final Sleeper sleeper;
    private final Duration first;
    private final Duration max;
    private final BooleanSupplier stopping;

    Retrying(Sleeper sleeper, Duration first, Duration max, BooleanSupplier stopping) {
        this.sleeper = sleeper;
        this.first = first;
        this.max = max;
        this.stopping = stopping;
    }

    <T> T call(String what, Call<T> call) throws IOException, InterruptedException {
        Duration wait = first;
        while (true) {
            try {
                return call.call();
            } catch (ServerUnavailableException e) {
                if (stopping.getAsBoolean()) {
                    throw e;
                }
                log.warn("{}: server unavailable ({}); trying again in {} s", what, e.getMessage(), wait.toSeconds());
                sleeper.sleep(wait);
                wait = wait.multipliedBy(2).compareTo(max) > 0 ? max : wait.multipliedBy(2);
            }
        }
    }

    void run(String what, Call<Void> call) throws IOException, InterruptedException {
        call(what, call);
    }
}
