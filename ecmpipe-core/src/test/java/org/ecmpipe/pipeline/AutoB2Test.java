package org.ecmpipe.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import org.ecmpipe.tlevel.TLevel;
import org.junit.jupiter.api.Test;

/** How --b2 auto moves B2 from the stage times it is told (no timing: the times are given). */
class AutoB2Test {
    @Test
    void startsAtEcmsDefaultAndMovesByTheSquareOfTheTimeRatioWithinLimits() {
        AutoB2 auto = new AutoB2(1_000_000);
        BigInteger start = TLevel.defaultB2(1_000_000);
        assertThat(auto.current()).isEqualTo(start);

        auto.observe(10, 5, start); // stage 2 half as long: 4 times the B2
        assertThat(auto.current()).isEqualTo(new java.math.BigDecimal(start).multiply(java.math.BigDecimal.valueOf(4))
                .round(new java.math.MathContext(3)).toBigInteger());

        BigInteger before = auto.current();
        auto.observe(10, 10.9, before); // within 15%: stays
        assertThat(auto.current()).isEqualTo(before);

        auto.observe(100, 1, before); // 100x: at most 16-fold
        assertThat(new java.math.BigDecimal(auto.current()).divide(new java.math.BigDecimal(before), java.math.MathContext.DECIMAL64)
                .doubleValue()).isBetween(15.9, 16.1);

        auto.observe(1, 1000, auto.current()); // far too long: down, never below 10 x B1
        assertThat(auto.current()).isGreaterThanOrEqualTo(BigInteger.valueOf(10_000_000));

        BigInteger kept = auto.current();
        auto.observe(0, 5, kept); // nothing to learn from a stage 1 of no time
        auto.observe(5, 0, kept);
        assertThat(auto.current()).isEqualTo(kept);
    }
}
