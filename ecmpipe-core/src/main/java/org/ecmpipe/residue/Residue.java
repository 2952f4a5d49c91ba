package org.ecmpipe.residue;

import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.ecmpipe.ecm.Sigma;

/**
 * One ECM curve's state at the end of stage 1, as one GMP-ECM save-file line. The parsed values are for
 * validation and bookkeeping; {@link #line()} is what goes to {@code ecm -resume}, the line as written
 * (PARAM kept as written) unless ecmpipe had to repair it (see {@link ResidueParser}).
 *
 * @param lineNumber 1-based line in the file it came from (0 when built in memory)
 * @param fields every {@code TAG=value} pair, in file order
 * @param param the PARAM field as written, or null when the line has none
 * @param b1 the B1 stage 1 reached (B1done)
 * @param n the number the residue is taken modulo (a cofactor of the original input after a stage-1 factor)
 */
public record Residue(int lineNumber, String line, Map<String, String> fields, Integer param, BigInteger sigma,
                      long b1, BigInteger n, BigInteger x) {

    public Residue {
        Objects.requireNonNull(line, "line");
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** The parametrization ecm will use: a line without PARAM is read as 0 by GMP-ECM. */
    public int effectiveParam() {
        return param == null ? 0 : param;
    }

    /** The curve, or null when the line gives the curve by its A coefficient instead of a sigma. */
    public Sigma curve() {
        return sigma == null ? null : new Sigma(effectiveParam(), sigma);
    }

    public String program() {
        return fields.get("PROGRAM");
    }
}
