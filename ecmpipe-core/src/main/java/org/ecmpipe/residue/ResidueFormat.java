package org.ecmpipe.residue;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes save-file lines in GMP-ECM's layout: {@code TAG=value; TAG=value; ... TAG=value;}. */
public final class ResidueFormat {
    private ResidueFormat() {
    }

    public static String format(Map<String, String> fields) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : fields.entrySet()) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(e.getKey()).append('=').append(e.getValue()).append(';');
        }
        return sb.toString();
    }

    /**
     * A fresh line for an ECM curve, with the fields GMP-ECM itself requires and a correct checksum; used to
     * build residues in memory (tests, tools) rather than to rewrite read ones.
     */
    public static String ecmLine(int param, BigInteger sigma, long b1, BigInteger n, BigInteger x, String program) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("METHOD", "ECM");
        fields.put("PARAM", Integer.toString(param));
        fields.put("SIGMA", sigma.toString());
        fields.put("B1", Long.toString(b1));
        fields.put("N", n.toString());
        fields.put("X", "0x" + x.toString(16));
        fields.put("CHECKSUM", Long.toString(ResidueChecksum.compute(b1, sigma, param, n, x, null)));
        fields.put("PROGRAM", program);
        return format(fields);
    }
}
