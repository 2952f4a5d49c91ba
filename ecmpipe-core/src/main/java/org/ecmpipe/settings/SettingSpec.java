package org.ecmpipe.settings;

/**
 * A setting that can be given on the command line, in the config file, or left to its default.
 *
 * @param name the config file's dotted key, e.g. {@code ecm.b1}
 * @param option the command-line option, e.g. {@code --b1}; null when it has none
 * @param defaultText the default value as text, or null for none
 * @param defaultMeaning what no value means, for {@code --print-settings} (e.g. "GMP-ECM's default for B1")
 */
public record SettingSpec(String name, String option, String defaultText, String defaultMeaning) {
}
