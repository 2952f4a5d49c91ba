package org.ecmpipe.server;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per client address: {@code burst} requests at once, refilled at {@code perMinute}. Per process
 * (several servers behind one address each limit on their own); the table is bounded, idle buckets are dropped.
 */
final class RateLimiter {
    private static final int MAX_CLIENTS = 100_000;

    private final double perNano;
    private final double burst;
    private final Clock clock;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    /** @param perMinute 0 = unlimited */
    RateLimiter(int perMinute, int burst, Clock clock) {
        this.perNano = perMinute / 60e9;
        this.burst = burst;
        this.clock = clock;
    }

    /** @return empty when the request may go ahead, else how long the client should wait */
    java.util.Optional<Duration> take(String address) {
        if (perNano == 0) {
            return java.util.Optional.empty();
        }
        long now = nanos();
        if (buckets.size() > MAX_CLIENTS) {
            long idle = (long) (burst / perNano);
            buckets.values().removeIf(b -> now - b.at > idle);
        }
        Bucket b = buckets.computeIfAbsent(address, a -> new Bucket(burst, now));
        synchronized (b) {
            b.tokens = Math.min(burst, b.tokens + (now - b.at) * perNano);
            b.at = now;
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(Duration.ofNanos((long) Math.ceil((1 - b.tokens) / perNano)));
        }
    }

    private long nanos() {
        java.time.Instant i = clock.instant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
