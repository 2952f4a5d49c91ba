package org.ecmpipe.ecm;

/** ecm cannot be found, run, or understood. */
public class EcmException extends RuntimeException {
    public EcmException(String message) {
        super(message);
    }

    public EcmException(String message, Throwable cause) {
        super(message, cause);
    }
}
