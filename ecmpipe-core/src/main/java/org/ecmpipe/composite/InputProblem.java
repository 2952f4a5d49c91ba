package org.ecmpipe.composite;

/** A numbers-file line that cannot be run, with its 1-based line number and the reason. */
public record InputProblem(int lineNumber, String text, String reason) {
    @Override
    public String toString() {
        return "line " + lineNumber + ": " + reason + " ('" + (text.length() <= 60 ? text : text.substring(0, 57) + "...") + "')";
    }
}
