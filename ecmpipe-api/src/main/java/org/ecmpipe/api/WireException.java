package org.ecmpipe.api;

/**
 * A submission body that cannot be read: what is wrong ({@link Kind}), the field at fault as a dotted path
 * ({@code parameters.b1}, {@code results.factors_found[0].factor}; null for the whole body) and why.
 */
public final class WireException extends RuntimeException {

    /** What kind of fault, with the HTTP status a server answers it with. */
    public enum Kind {
        /** Not one JSON object (syntax, trailing data, duplicate keys). */
        MALFORMED(400),
        /** A field is missing, of the wrong type or out of range. */
        INVALID(422),
        /** A number or the body exceeds a configured size limit. */
        TOO_LARGE(413);

        private final int httpStatus;

        Kind(int httpStatus) {
            this.httpStatus = httpStatus;
        }

        public int httpStatus() {
            return httpStatus;
        }
    }

    private final Kind kind;
    private final String field;

    public WireException(Kind kind, String field, String message) {
        super(message, null, false, false);
        this.kind = kind;
        this.field = field;
    }

    public Kind kind() {
        return kind;
    }

    /** The dotted path of the field at fault, or null. */
    public String field() {
        return field;
    }

    /** The message with the field in front, e.g. {@code parameters.b1: must be positive}. */
    public String detail() {
        return field == null ? getMessage() : field + ": " + getMessage();
    }
}
