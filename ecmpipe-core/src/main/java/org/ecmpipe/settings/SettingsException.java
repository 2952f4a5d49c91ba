package org.ecmpipe.settings;

/** A setting that cannot be used, with a message naming where it was given (option, or file, line and key). */
public final class SettingsException extends RuntimeException {
    public SettingsException(String message) {
        super(message);
    }
}
