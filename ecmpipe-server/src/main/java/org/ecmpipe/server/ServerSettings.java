package org.ecmpipe.server;

import java.time.Duration;
import java.util.Optional;

/**
 * What an operator can set on a results server.
 *
 * @param adminKey the key admin requests must send in {@code X-Admin-Key}; empty = the admin API is disabled
 * @param maxDigits the most decimal digits a composite or factor may have (413 past it)
 * @param maxBodyBytes the largest request body (413 past it)
 * @param checkBudget how long one request may spend on primality checks before a verdict is recorded as unknown
 * @param ratePerMinute requests per minute each client address may make (token bucket); 0 = no limit
 * @param rateBurst how many requests a client address may make at once
 * @param retryAfter what a 503 (database unavailable) tells clients to wait
 * @param leaseTime how long a work lease holds without a heartbeat ({@code PUT /api/v1/work/{id}/progress})
 */
public record ServerSettings(Optional<String> adminKey, int maxDigits, int maxBodyBytes, Duration checkBudget,
                             int ratePerMinute, int rateBurst, Duration retryAfter, Duration leaseTime) {

    public static final int DEFAULT_MAX_DIGITS = 20_000;
    public static final int DEFAULT_MAX_BODY_BYTES = 1_000_000;
    public static final Duration DEFAULT_CHECK_BUDGET = Duration.ofSeconds(2);
    public static final int DEFAULT_RATE_PER_MINUTE = 600;
    public static final int DEFAULT_RATE_BURST = 60;
    public static final Duration DEFAULT_LEASE_TIME = Duration.ofMinutes(20);

    public ServerSettings {
        if (adminKey.isPresent() && adminKey.get().isBlank()) {
            throw new IllegalArgumentException("the admin key is empty: set a non-empty key or none at all (admin API disabled)");
        }
        if (maxDigits < 2 || maxBodyBytes < 1024 || checkBudget.isNegative() || ratePerMinute < 0 || rateBurst < 1
                || leaseTime.isNegative() || leaseTime.isZero()) {
            throw new IllegalArgumentException("server limits out of range");
        }
    }

    /** The defaults, with the given admin key (null: admin API disabled). */
    public static ServerSettings defaults(String adminKey) {
        return new ServerSettings(Optional.ofNullable(adminKey), DEFAULT_MAX_DIGITS, DEFAULT_MAX_BODY_BYTES,
                DEFAULT_CHECK_BUDGET, DEFAULT_RATE_PER_MINUTE, DEFAULT_RATE_BURST, Duration.ofSeconds(5), DEFAULT_LEASE_TIME);
    }

    public ServerSettings withRate(int perMinute, int burst) {
        return new ServerSettings(adminKey, maxDigits, maxBodyBytes, checkBudget, perMinute, burst, retryAfter, leaseTime);
    }

    public ServerSettings withLimits(int digits, int bodyBytes) {
        return new ServerSettings(adminKey, digits, bodyBytes, checkBudget, ratePerMinute, rateBurst, retryAfter, leaseTime);
    }

    public ServerSettings withLeaseTime(Duration lease) {
        return new ServerSettings(adminKey, maxDigits, maxBodyBytes, checkBudget, ratePerMinute, rateBurst, retryAfter, lease);
    }

    public ServerSettings withCheckBudget(Duration budget) {
        return new ServerSettings(adminKey, maxDigits, maxBodyBytes, budget, ratePerMinute, rateBurst, retryAfter, leaseTime);
    }
}
