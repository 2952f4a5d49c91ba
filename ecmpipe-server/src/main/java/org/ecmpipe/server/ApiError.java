package org.ecmpipe.server;

/**
 * A request the server refuses, with the HTTP status, the field at fault (dotted path, or null) and why.
 * Rendered as {@code {"status":"error","message":...,"errors":[{"type","field","message"}]}}.
 */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String type;
    private final String field;

    public ApiError(int status, String type, String field, String message) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.field = field;
    }

    public static ApiError invalid(String field, String message) {
        return new ApiError(422, "validation_error", field, message);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String field() {
        return field;
    }
}
