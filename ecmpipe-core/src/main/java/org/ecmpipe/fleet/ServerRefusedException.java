package org.ecmpipe.fleet;

import java.io.IOException;

/** The server refused a request for good (a 4xx other than 408/429); {@code status} is its HTTP status. */
final class ServerRefusedException extends IOException {
    private final int status;

    ServerRefusedException(int status, String message) {
        super("HTTP " + status + ": " + message);
        this.status = status;
    }

    int status() {
        return status;
    }
}
