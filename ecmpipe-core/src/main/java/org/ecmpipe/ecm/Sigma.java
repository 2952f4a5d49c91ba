package org.ecmpipe.ecm;

import java.math.BigInteger;
import java.util.Objects;

/** A curve's parameter as GMP-ECM writes it: parametrization and sigma value, printed {@code param:value}. */
public record Sigma(int param, BigInteger value) {
    public Sigma {
        if (param < 0 || param > 3) {
            throw new IllegalArgumentException("parametrization must be 0..3, was " + param);
        }
        Objects.requireNonNull(value, "value");
    }

    public static Sigma of(int param, long value) {
        return new Sigma(param, BigInteger.valueOf(value));
    }

    /** Parses {@code 3:12345}; a bare value means param 0, as in GMP-ECM. */
    public static Sigma parse(String text) {
        int colon = text.indexOf(':');
        if (colon < 0) {
            return new Sigma(0, new BigInteger(text.strip()));
        }
        return new Sigma(Integer.parseInt(text.substring(0, colon).strip()), new BigInteger(text.substring(colon + 1).strip()));
    }

    @Override
    public String toString() {
        return param + ":" + value;
    }
}
