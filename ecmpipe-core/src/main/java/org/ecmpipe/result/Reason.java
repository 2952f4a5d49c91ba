package org.ecmpipe.result;

import java.util.Locale;

/**
 * Why a number failed or was skipped: a fixed set, so scripts (and resume) can tell the cases apart; the details
 * of one case (ecm's exit code, the first failed curve) go in the result's {@code reasonDetail}.
 */
public enum Reason {
    /** The number is prime: nothing to factor (skipped). */
    PRIME("prime"),
    /** The stage-1 ecm run failed (crash, hang past the timeout, garbage output, refused input). */
    STAGE1_FAILED("stage 1"),
    /** Stage 1 ended without saving residues although the number still needed stage 2. */
    STAGE1_NO_RESIDUES("stage 1 saved no residues"),
    /** The residue file stage 1 wrote could not be read back. */
    RESIDUES_UNREADABLE("cannot read residues"),
    /** Stage-2 curves could not be run (ecm crashed or hung on them) and no factor settled the number. */
    STAGE2_FAILED("stage-2 curves failed");

    private final String message;

    Reason(String message) {
        this.message = message;
    }

    public String message() {
        return message;
    }

    /** The name in the results file's {@code reason_code}: {@code stage1_failed}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The reason of a results-file {@code reason_code}. */
    public static Reason ofWire(String code) {
        return valueOf(code.toUpperCase(Locale.ROOT));
    }

    /** The text users read: the message, then the detail when there is one. */
    public String describe(String detail) {
        return detail == null || detail.isBlank() ? message : message + ": " + detail;
    }
}
