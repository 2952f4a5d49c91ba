package org.ecmpipe.tlevel;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/** One cell of {@code ecm -v}'s expected-curves table, formatted as ecm.c's {@code print_expcurves} does. */
final class EcmTableFormat {
    private EcmTableFormat() {
    }

    static String cell(double prob) {
        if (prob > 1. / 10000000) {
            return String.format("%.0f", Math.floor(1. / prob + .5));
        }
        if (prob > 0.) {
            return cPercentTwoG(Math.floor(1. / prob + .5));
        }
        return "Inf";
    }

    /** C's {@code %.2g} (glibc, Linux exponent form) for a value &gt;= 100, which is always in e-notation. */
    private static String cPercentTwoG(double v) {
        BigDecimal rounded = new BigDecimal(v).round(new MathContext(2, RoundingMode.HALF_EVEN));
        int exponent = rounded.precision() - rounded.scale() - 1;
        if (exponent < 2) {
            throw new IllegalArgumentException("only large values are formatted here: " + v);
        }
        String digits = rounded.unscaledValue().toString();
        digits = digits.length() == 1 ? digits + "0" : digits.substring(0, 2);
        String mantissa = digits.charAt(1) == '0' ? digits.substring(0, 1) : digits.charAt(0) + "." + digits.charAt(1);
        return mantissa + "e+" + (exponent < 10 ? "0" : "") + exponent;
    }
}
