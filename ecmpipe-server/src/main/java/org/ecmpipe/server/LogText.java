package org.ecmpipe.server;

import java.math.BigInteger;
import org.ecmpipe.composite.Composite;

/** Client-supplied text made safe for one log line: control characters escaped, long values abbreviated. */
final class LogText {
    private static final int MAX = 80;

    private LogText() {
    }

    static String safe(String s) {
        if (s == null) {
            return "-";
        }
        StringBuilder out = new StringBuilder(Math.min(s.length(), MAX + 8));
        for (int i = 0; i < s.length() && out.length() < MAX; i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c) || Character.isSurrogate(c) || c == '\u2028' || c == '\u2029') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.length() >= MAX && s.length() > MAX ? out + "..." : out.toString();
    }

    /** A number as a log names it: {@code 1234567890...0987654321 (c95)}. */
    static String number(BigInteger n) {
        return Composite.abbreviate(n) + " (c" + n.toString().length() + ")";
    }
}
