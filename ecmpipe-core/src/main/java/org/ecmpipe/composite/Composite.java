package org.ecmpipe.composite;

import java.math.BigInteger;
import java.util.Objects;

/**
 * One input number as the user wrote it.
 *
 * @param lineNumber 1-based line of the numbers file (0 when not from a file)
 * @param expression the text, e.g. {@code (10^71-1)/9}
 * @param value its value
 */
public record Composite(int lineNumber, String expression, BigInteger value) {
    public Composite {
        Objects.requireNonNull(expression, "expression");
        Objects.requireNonNull(value, "value");
    }

    public int digits() {
        return value.toString().length();
    }

    /** The first and last digits, for logs: {@code 1234567890...0987654321 (c95)}. */
    public String shortText() {
        return abbreviate(value) + " (c" + digits() + ")";
    }

    /** A number as logs and tables show it: whole up to 24 digits, else {@code 1234567890...0987654321}. */
    public static String abbreviate(BigInteger n) {
        String s = n.toString();
        return s.length() <= 24 ? s : s.substring(0, 10) + "..." + s.substring(s.length() - 10);
    }
}
