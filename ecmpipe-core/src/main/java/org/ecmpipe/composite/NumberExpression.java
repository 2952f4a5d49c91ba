package org.ecmpipe.composite;

import java.math.BigInteger;

/**
 * Evaluates the integer expressions GMP-ECM accepts as input numbers: decimal literals, {@code + - * / ^},
 * parentheses, unary minus, {@code n!} (factorial) and {@code n#} (primorial). Division must be exact,
 * as in GMP-ECM; an inexact division is an error rather than a silent truncation.
 */
public final class NumberExpression {

    /** Largest operand allowed for {@code !}, {@code #} and exponents, to keep a typo from eating the heap. */
    private static final int MAX_SMALL_OPERAND = 1_000_000;

    private final String text;
    private int pos;

    private NumberExpression(String text) {
        this.text = text;
    }

    /**
     * @throws ExpressionException naming the position and the reason when {@code text} is not a valid expression
     */
    public static BigInteger evaluate(String text) {
        String stripped = text.strip();
        if (stripped.isEmpty()) {
            throw new ExpressionException("empty number", 0);
        }
        NumberExpression parser = new NumberExpression(stripped);
        BigInteger value = parser.sum();
        parser.skipSpaces();
        if (parser.pos < stripped.length()) {
            throw new ExpressionException("unexpected '" + stripped.charAt(parser.pos) + "'", parser.pos);
        }
        return value;
    }

    /** True when the text is a plain decimal integer (no operators), the form GMP-ECM prints back as is. */
    public static boolean isPlainDecimal(String text) {
        String s = text.strip();
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private BigInteger sum() {
        BigInteger value = product();
        while (true) {
            skipSpaces();
            if (eat('+')) {
                value = value.add(product());
            } else if (eat('-')) {
                value = value.subtract(product());
            } else {
                return value;
            }
        }
    }

    private BigInteger product() {
        BigInteger value = unary();
        while (true) {
            skipSpaces();
            int at = pos;
            if (eat('*')) {
                value = value.multiply(unary());
            } else if (eat('/')) {
                BigInteger divisor = unary();
                if (divisor.signum() == 0) {
                    throw new ExpressionException("division by zero", at);
                }
                BigInteger[] qr = value.divideAndRemainder(divisor);
                if (qr[1].signum() != 0) {
                    throw new ExpressionException("division is not exact", at);
                }
                value = qr[0];
            } else {
                return value;
            }
        }
    }

    private BigInteger unary() {
        skipSpaces();
        if (eat('-')) {
            return unary().negate();
        }
        if (eat('+')) {
            return unary();
        }
        return power();
    }

    private BigInteger power() {
        BigInteger base = postfix();
        skipSpaces();
        int at = pos;
        if (eat('^')) {
            BigInteger exponent = unary(); // right associative: 2^3^2 = 2^9
            return base.pow(smallOperand(exponent, at, "exponent"));
        }
        return base;
    }

    private BigInteger postfix() {
        BigInteger value = atom();
        while (true) {
            skipSpaces();
            int at = pos;
            if (eat('!')) {
                value = factorial(smallOperand(value, at, "factorial argument"));
            } else if (eat('#')) {
                value = primorial(smallOperand(value, at, "primorial argument"));
            } else {
                return value;
            }
        }
    }

    private BigInteger atom() {
        skipSpaces();
        int at = pos;
        if (eat('(')) {
            BigInteger value = sum();
            skipSpaces();
            if (!eat(')')) {
                throw new ExpressionException("missing ')' for '(' at position " + (at + 1), pos);
            }
            return value;
        }
        int start = pos;
        while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
            pos++;
        }
        if (start == pos) {
            if (pos >= text.length()) {
                throw new ExpressionException("expression ends early", pos);
            }
            throw new ExpressionException("unexpected '" + text.charAt(pos) + "'", pos);
        }
        return new BigInteger(text.substring(start, pos));
    }

    private static int smallOperand(BigInteger value, int at, String what) {
        if (value.signum() < 0 || value.compareTo(BigInteger.valueOf(MAX_SMALL_OPERAND)) > 0) {
            throw new ExpressionException(what + " must be between 0 and " + MAX_SMALL_OPERAND, at);
        }
        return value.intValueExact();
    }

    private static BigInteger factorial(int n) {
        BigInteger result = BigInteger.ONE;
        for (int i = 2; i <= n; i++) {
            result = result.multiply(BigInteger.valueOf(i));
        }
        return result;
    }

    private static BigInteger primorial(int n) {
        BigInteger result = BigInteger.ONE;
        for (int p : SmallPrimes.upTo(n)) {
            result = result.multiply(BigInteger.valueOf(p));
        }
        return result;
    }

    private boolean eat(char c) {
        if (pos < text.length() && text.charAt(pos) == c) {
            pos++;
            return true;
        }
        return false;
    }

    private void skipSpaces() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }
}
