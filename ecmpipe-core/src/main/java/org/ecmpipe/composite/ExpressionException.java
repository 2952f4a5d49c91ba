package org.ecmpipe.composite;

/** A number expression that cannot be evaluated; {@link #position()} is 0-based within the stripped text. */
public final class ExpressionException extends IllegalArgumentException {
    private final int position;

    public ExpressionException(String reason, int position) {
        super(reason + " at position " + (position + 1));
        this.position = position;
    }

    public int position() {
        return position;
    }
}
