package org.ecmpipe.residue;

/** A residue line that was skipped, with its 1-based line number and the reason, for the user to fix. */
public record ResidueProblem(int lineNumber, String reason) {
    @Override
    public String toString() {
        return "line " + lineNumber + ": " + reason;
    }
}
