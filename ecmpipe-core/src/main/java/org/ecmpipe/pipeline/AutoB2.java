package org.ecmpipe.pipeline;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import org.ecmpipe.tlevel.TLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --b2 auto}: the B2 that makes one number's stage 2 (on the configured workers) take about as long as its
 * stage 1, so neither side of the pipeline waits for the other (with a GPU, what gives the most t-level per hour).
 * It starts at GMP-ECM's default for B1, and after each number moves B2 by the square of the time ratio (stage 2's
 * time grows about as the square root of B2), at most 16-fold at a time; within 15% it stays put.
 */
final class AutoB2 {
    private static final Logger log = LoggerFactory.getLogger(AutoB2.class);
    static final double TOLERANCE = 0.15;
    static final double MAX_STEP = 16;

    private final long b1;
    private BigInteger b2;

    AutoB2(long b1) {
        this.b1 = b1;
        this.b2 = TLevel.defaultB2(b1);
    }

    synchronized BigInteger current() {
        return b2;
    }

    /**
     * @param stage1Seconds wall time of the number's stage 1
     * @param stage2Seconds wall time of its stage 2 at {@code used}
     */
    synchronized void observe(double stage1Seconds, double stage2Seconds, BigInteger used) {
        if (!(stage1Seconds > 0) || !(stage2Seconds > 0) || used == null || used.signum() <= 0) {
            return;
        }
        double ratio = stage1Seconds / stage2Seconds;
        if (Math.abs(ratio - 1) <= TOLERANCE) {
            log.info("B2 auto: stage 1 {}s, stage 2 {}s at B2={}: within {}%, B2 stays", fmt(stage1Seconds),
                    fmt(stage2Seconds), used, Math.round(TOLERANCE * 100));
            b2 = used;
            return;
        }
        double factor = Math.max(1 / MAX_STEP, Math.min(MAX_STEP, ratio * ratio));
        BigDecimal next = new BigDecimal(used).multiply(BigDecimal.valueOf(factor)).round(new MathContext(3, RoundingMode.HALF_UP));
        BigInteger floor = BigInteger.valueOf(b1).multiply(BigInteger.TEN);
        b2 = next.toBigInteger().max(floor);
        log.info("B2 auto: stage 1 {}s, stage 2 {}s at B2={}: next B2={} (stage 2's time grows about as the square root"
                + " of B2; the stages should take equally long)", fmt(stage1Seconds), fmt(stage2Seconds), used, b2);
    }

    private static String fmt(double s) {
        return String.format("%.1f", s);
    }
}
