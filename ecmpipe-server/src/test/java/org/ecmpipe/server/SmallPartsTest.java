package org.ecmpipe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.ecmpipe.composite.NumberExpression;
import org.ecmpipe.server.BoundedPrimality.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin key's sources, log sanitising, the token bucket and the bounded primality check. */
class SmallPartsTest {
    @TempDir
    Path dir;

    @Test
    void adminKeyComesFromTheEnvironmentOrAFileAndIsNeverEmpty() throws Exception {
        assertThat(AdminKey.fromEnvironment(Map.of())).isEmpty();
        assertThat(AdminKey.fromEnvironment(Map.of("ADMIN_API_KEY", "k1"))).contains("k1");
        assertThat(AdminKey.fromEnvironment(Map.of("ECMPIPE_ADMIN_KEY", "k2"))).contains("k2");
        Path file = Files.writeString(dir.resolve("key"), "  from-file\n");
        assertThat(AdminKey.fromEnvironment(Map.of("ADMIN_API_KEY_FILE", file.toString()))).contains("from-file");
        assertThatThrownBy(() -> AdminKey.fromEnvironment(Map.of("ADMIN_API_KEY", ""))).hasMessageContaining("empty");
        assertThatThrownBy(() -> AdminKey.fromEnvironment(Map.of("ADMIN_API_KEY", "  "))).hasMessageContaining("empty");
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThatThrownBy(() -> AdminKey.fromEnvironment(Map.of("ADMIN_API_KEY_FILE", empty.toString()))).hasMessageContaining("empty");
        assertThatThrownBy(() -> AdminKey.fromEnvironment(Map.of("ADMIN_API_KEY_FILE", dir.resolve("none").toString())))
                .hasMessageContaining("cannot be read");
        assertThatThrownBy(() -> AdminKey.fromEnvironment(Map.of("ADMIN_API_KEY", "a", "ADMIN_API_KEY_FILE", file.toString())))
                .hasMessageContaining("set one");
        assertThat(AdminKey.matches("secret", "secret")).isTrue();
        assertThat(AdminKey.matches("secret", "secreT")).isFalse();
        assertThat(AdminKey.matches("secret", null)).isFalse();
    }

    @Test
    void clientTextCannotForgeLogLines() {
        assertThat(LogText.safe("alice\n2026-11-25 INFO forged")).doesNotContain("\n").contains("\\u000a");
        assertThat(LogText.safe("a\u001b[31mred\u2028")).doesNotContain("\u001b").doesNotContain("\u2028");
        assertThat(LogText.safe("x".repeat(500))).hasSizeLessThan(100);
        assertThat(LogText.number(BigInteger.TEN.pow(99))).isEqualTo("1000000000...0000000000 (c100)");
    }

    @Test
    void tokenBucketPerAddressRefillsWithTime() {
        MutableClock clock = new MutableClock();
        RateLimiter limiter = new RateLimiter(60, 2, clock);
        assertThat(limiter.take("a")).isEmpty();
        assertThat(limiter.take("a")).isEmpty();
        assertThat(limiter.take("a")).contains(Duration.ofSeconds(1));
        assertThat(limiter.take("b")).as("another address has its own bucket").isEmpty();
        clock.advance(Duration.ofSeconds(1));
        assertThat(limiter.take("a")).isEmpty();
        assertThat(limiter.take("a")).isPresent();
        assertThat(new RateLimiter(0, 1, clock).take("a")).as("0 = unlimited").isEmpty();
    }

    @Test
    void largePrimalityChecksStopAtTheDeadline() {
        AtomicLong now = new AtomicLong();
        BoundedPrimality primality = new BoundedPrimality(1, () -> now.addAndGet(1_000_000)); // each look at the clock: +1 ms
        BigInteger big = BigInteger.probablePrime(3200, new java.util.Random(7));
        assertThat(primality.check(big, 0)).as("past the deadline").isEqualTo(Verdict.UNKNOWN);
        assertThat(primality.check(big, Long.MAX_VALUE / 2)).isEqualTo(Verdict.PRIME);
        assertThat(primality.check(big.multiply(BigInteger.valueOf(9973)), Long.MAX_VALUE / 2)).as("small factor").isEqualTo(Verdict.COMPOSITE);
        assertThat(primality.check(BigInteger.probablePrime(500, new java.util.Random(3)), 0))
                .as("past the deadline even mid-size numbers are left undecided").isEqualTo(Verdict.UNKNOWN);
        BigInteger twoPrimes = BigInteger.probablePrime(1700, new java.util.Random(8)).multiply(BigInteger.probablePrime(1700, new java.util.Random(9)));
        assertThat(primality.check(twoPrimes, Long.MAX_VALUE / 2)).isEqualTo(Verdict.COMPOSITE);
        assertThat(primality.check(BigInteger.valueOf(65537), 0)).as("numbers of at most 64 bits: always decided").isEqualTo(Verdict.PRIME);
    }

    @Test
    void expressionSizeBoundsAreUpperBoundsAndCatchHugeOnes() {
        for (String e : List.of("2^67-1", "(10^71-1)/9", "100!", "97#", "3*5+7", "-(2^10)+2^20", "2^(100/(12-10))",
                "(2^64+1)/274177", "10^(3!)", "0", "007")) {
            assertThat(ExpressionSize.digitsBound(e)).as(e)
                    .isGreaterThanOrEqualTo(NumberExpression.evaluate(e).abs().toString().length());
        }
        assertThat(ExpressionSize.digitsBound("(10^999999)^999999")).isGreaterThan(1e11);
        assertThat(ExpressionSize.digitsBound("999999!")).isGreaterThan(1e6);
        assertThat(ExpressionSize.digitsBound("2^(2^(2^(2^5)))")).isInfinite();
        assertThat(ExpressionSize.digitsBound("10^30000+1")).isGreaterThan(30000);
    }

    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-11-25T09:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
