package org.ecmpipe.fleet;

import java.io.IOException;

/** The server could not answer now (unreachable, 5xx, 408, 429): the same request may be tried again later. */
final class ServerUnavailableException extends IOException {
    ServerUnavailableException(String message) {
        super(message);
    }
}
