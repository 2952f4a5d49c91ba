package org.ecmpipe.cli;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ecmpipe.tlevel.WorkItem;

/**
 * brubsby/t-level's curve strings, {@code curves[/stage1_total]@B1[,B2][,p=P]}: the regular expression of its
 * {@code t_level/__init__.py} (v1.0.0, {@code line_regex}), with its number forms ({@code 11e6}), its optional
 * {@code B1=}, {@code B2=} and {@code param=} prefixes and its default param 1. {@code n/t@B1} is n curves with
 * stage 2 plus t - n curves with stage 1 only (B2 = 0), as there. A bare third number is B2, as there: write
 * {@code p=3} for a param.
 *
 * <p>Items are separated by {@code ;}, newlines or spaces (spaces after a comma belong to the item).
 */
final class CurveStrings {
    static final String SYNTAX = "curves[/stage1_total]@B1[,B2][,p=P]";
    private static final String NUMBER = "(\\d+e\\d+|\\d+)";
    private static final Pattern ITEM = Pattern.compile(NUMBER + "(?:/" + NUMBER + ")?@(?:B1=)?" + NUMBER
            + "(?:,\\s*(?:B2=)?" + NUMBER + ")?(?:,\\s*(?:(?:param|p)=)?([0-9]+))?");
    private static final Pattern WHOLE = Pattern.compile(NUMBER);
    private static final Pattern SEPARATORS = Pattern.compile("[;\\s]+");
    private static final Pattern COMMA_SPACE = Pattern.compile(",\\s+");

    private CurveStrings() {
    }

    /** The items of a text, in order; empty for a blank text. */
    static List<String> split(String text) {
        List<String> items = new ArrayList<>();
        for (String item : SEPARATORS.split(COMMA_SPACE.matcher(text).replaceAll(","))) {
            if (!item.isEmpty()) {
                items.add(item);
            }
        }
        return items;
    }

    /**
     * The work one item describes (one or two work items).
     *
     * @throws IllegalArgumentException naming the item and what is wrong with it
     */
    static List<WorkItem> parse(String item) {
        Matcher m = ITEM.matcher(item);
        if (!m.matches()) {
            throw new IllegalArgumentException("malformed item \"" + item + "\": expected " + SYNTAX
                    + ", e.g. 5208@11e6, 1000@1e6,0,p=3 or 1000/2000@3e6");
        }
        try {
            long finished = longValue(m.group(1), "curves");
            long b1 = longValue(m.group(3), "B1");
            BigInteger b2 = m.group(4) == null ? null : number(m.group(4));
            int param = m.group(5) == null ? 1 : Integer.parseInt(m.group(5));
            if (param > 3) {
                throw new IllegalArgumentException("param " + m.group(5)
                        + ": GMP-ECM has success probabilities for params 0 to 3 only");
            }
            List<WorkItem> work = new ArrayList<>(2);
            work.add(new WorkItem(finished, b1, b2, param));
            if (m.group(2) != null) {
                long total = longValue(m.group(2), "stage1_total");
                if (total < finished) {
                    throw new IllegalArgumentException("stage1_total " + total + " is less than the " + finished
                            + " finished curves");
                }
                work.add(WorkItem.stage1Only(total - finished, b1, param));
            }
            return work;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("item \"" + item + "\": " + e.getMessage(), e);
        }
    }

    /** {@code 11e6} or {@code 11000000}. */
    static BigInteger number(String text) {
        int e = text.indexOf('e');
        if (e < 0) {
            return new BigInteger(text);
        }
        String digits = text.substring(e + 1);
        if (digits.length() > 3 || Integer.parseInt(digits) > 100) {
            throw new IllegalArgumentException(text + " is too large");
        }
        return new BigInteger(text.substring(0, e)).multiply(BigInteger.TEN.pow(Integer.parseInt(digits)));
    }

    static long longValue(String text, String what) {
        if (!WHOLE.matcher(text).matches()) {
            throw new IllegalArgumentException(what + " " + text + " is not a whole number like 11000000 or 11e6");
        }
        try {
            return number(text).longValueExact();
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException(what + " " + text + " is too large");
        }
    }
}
