package org.ecmpipe.settings;

/**
 * One effective setting: its value as text (null: none) and where it came from.
 *
 * @param where the option ({@code --b1}), the file, line and key, or {@code default}
 */
public record Setting(String name, String text, Origin origin, String where) {

    /** Where an effective value came from, strongest first. */
    public enum Origin {
        COMMAND_LINE, CONFIG_FILE, DEFAULT
    }
}
