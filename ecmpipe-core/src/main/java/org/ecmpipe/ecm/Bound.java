package org.ecmpipe.ecm;

import java.math.BigDecimal;
import java.math.BigInteger;

/** Parses ECM bounds as users write them: {@code 160000000}, {@code 16e7}, {@code 1.6e8}. */
public final class Bound {
    /** No ECM bound has this many digits; larger text is refused before it is expanded. */
    static final int MAX_DIGITS = 40;

    private Bound() {
    }

    /**
     * @throws IllegalArgumentException when the text is not a non-negative whole number
     */
    public static BigInteger parse(String text) {
        String s = text.strip();
        BigDecimal value;
        try {
            value = new BigDecimal(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a number (write e.g. 11000, 11e3 or 1.1e4)");
        }
        if (value.precision() - value.scale() > MAX_DIGITS) {
            throw new IllegalArgumentException("'" + text + "' is too large (more than " + MAX_DIGITS + " digits)");
        }
        if (value.signum() < 0) {
            throw new IllegalArgumentException("'" + text + "' is negative");
        }
        try {
            return value.toBigIntegerExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is not a whole number");
        }
    }
}
