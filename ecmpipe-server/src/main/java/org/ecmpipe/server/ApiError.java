package org.ecmpipe.server;

/**
 * A request the server refuses: the HTTP status, the field at fault (dotted path, or null) and why. Rendered as
 * {@code {"detail": "<field>: <why>", "field": "<field>"}}, the FastAPI shape ecm-wrapper clients parse.
 */
final class ApiError extends RuntimeException {
    private final int status;
    private final String field;

    ApiError(int status, String field, String message) {
        super(message, null, false, false);
        this.status = status;
        this.field = field;
    }

    static ApiError invalid(String field, String message) {
        return new ApiError(422, field, message);
    }

    int status() {
        return status;
    }

    String field() {
        return field;
    }

    String detail() {
        return field == null ? getMessage() : field + ": " + getMessage();
    }
}
