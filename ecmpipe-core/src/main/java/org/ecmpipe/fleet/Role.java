package org.ecmpipe.fleet;

import java.util.Locale;

/** What a fleet worker does: stage 1 (residues uploaded), stage 2 (residues claimed), or both on one host. */
public enum Role {
    STAGE1, STAGE2, BOTH;

    /** {@code stage1}, {@code stage2} or {@code both}. */
    public static Role parse(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "stage1" -> STAGE1;
            case "stage2" -> STAGE2;
            case "both" -> BOTH;
            default -> throw new IllegalArgumentException("--role must be stage1, stage2 or both, not '" + text + "'");
        };
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    boolean leases() {
        return this != STAGE2;
    }
}
