package org.ecmpipe.server;

/**
 * An upper bound on the decimal digits of a GMP-ECM number expression (the grammar of core's
 * {@code NumberExpression}: literals, {@code + - * / ^}, parentheses, unary signs, {@code n!}, {@code n#}), found
 * without computing it. Every operation's bound is at least its operands', so an expression within the bound is
 * cheap to evaluate: the admin upload evaluates only those, and {@code (10^999999)^999999} costs nothing.
 * Malformed text gets a bound of 0; the evaluator then reports it with its position.
 */
final class ExpressionSize {
    private static final double LOG10_2 = Math.log10(2);

    /** A digit-count bound, and the exact value when it fits a long (what an exponent or factorial argument needs). */
    private record Size(double digits, Long exact) {
        static Size of(double digits) {
            return new Size(digits, null);
        }
    }

    private final String text;
    private int pos;

    private ExpressionSize(String text) {
        this.text = text;
    }

    /** At least the number of decimal digits of the expression's value (infinity when it is astronomically large). */
    static double digitsBound(String text) {
        ExpressionSize parser = new ExpressionSize(text.strip());
        try {
            return Math.ceil(parser.sum().digits) + 1;
        } catch (IllegalStateException e) {
            return 0;
        }
    }

    private Size sum() {
        Size value = product();
        while (true) {
            skipSpaces();
            boolean plus = eat('+');
            if (plus || eat('-')) {
                Size other = product();
                Size v = value;
                value = new Size(Math.max(value.digits, other.digits) + LOG10_2, v.exact != null && other.exact != null
                        ? safe(() -> plus ? Math.addExact(v.exact, other.exact) : Math.subtractExact(v.exact, other.exact)) : null);
            } else {
                return value;
            }
        }
    }

    private Size product() {
        Size value = unary();
        while (true) {
            skipSpaces();
            if (eat('*')) {
                Size other = unary();
                Size v = value;
                value = new Size(value.digits + other.digits,
                        v.exact != null && other.exact != null ? safe(() -> Math.multiplyExact(v.exact, other.exact)) : null);
            } else if (eat('/')) {
                Size other = unary();
                boolean exact = value.exact != null && other.exact != null && other.exact != 0 && value.exact % other.exact == 0;
                value = new Size(value.digits, exact ? Long.valueOf(value.exact / other.exact) : null);
            } else {
                return value;
            }
        }
    }

    private Size unary() {
        skipSpaces();
        if (eat('-')) {
            Size v = unary();
            return new Size(v.digits, v.exact == null ? null : safe(() -> Math.negateExact(v.exact)));
        }
        if (eat('+')) {
            return unary();
        }
        return power();
    }

    private Size power() {
        Size base = postfix();
        skipSpaces();
        if (eat('^')) {
            Size exponent = unary();
            if (exponent.exact == null) {
                return Size.of(Double.POSITIVE_INFINITY);
            }
            double digits = Math.max(1, base.digits) * Math.abs((double) exponent.exact);
            Long exact = base.exact != null && exponent.exact >= 0 && digits < 18 ? safe(() -> power(base.exact, exponent.exact)) : null;
            return new Size(digits, exact);
        }
        return base;
    }

    private Size postfix() {
        Size value = atom();
        while (true) {
            skipSpaces();
            boolean factorial = eat('!');
            if (factorial || eat('#')) {
                if (value.exact == null) {
                    return Size.of(Double.POSITIVE_INFINITY);
                }
                long n = Math.abs(value.exact);
                // n! <= n^n; n# < e^(1.01624 n) (Rosser and Schoenfeld's bound on the Chebyshev function)
                double digits = factorial ? n * Math.log10(Math.max(2, n)) + 1 : 1.02 * n / Math.log(10) + 1;
                value = new Size(digits, digits < 18 ? exact(factorial, n) : null);
            } else {
                return value;
            }
        }
    }

    private Size atom() {
        skipSpaces();
        if (eat('(')) {
            Size value = sum();
            skipSpaces();
            if (!eat(')')) {
                throw new IllegalStateException("unbalanced");
            }
            return value;
        }
        int start = pos;
        while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
            pos++;
        }
        if (start == pos) {
            throw new IllegalStateException("no number");
        }
        String digits = text.substring(start, pos).replaceFirst("^0+(?=.)", "");
        return new Size(digits.length(), digits.length() <= 18 ? Long.valueOf(digits) : null);
    }

    private static Long exact(boolean factorial, long n) {
        long r = 1;
        for (long i = 2; i <= n; i++) {
            if (factorial || java.math.BigInteger.valueOf(i).isProbablePrime(20)) {
                r = Math.multiplyExact(r, i);
            }
        }
        return r;
    }

    private static long power(long base, long exponent) {
        long r = 1;
        for (long i = 0; i < exponent; i++) {
            r = Math.multiplyExact(r, base);
        }
        return r;
    }

    private static Long safe(java.util.function.LongSupplier f) {
        try {
            return f.getAsLong();
        } catch (ArithmeticException e) {
            return null;
        }
    }

    private void skipSpaces() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private boolean eat(char c) {
        if (pos < text.length() && text.charAt(pos) == c) {
            pos++;
            return true;
        }
        return false;
    }
}
