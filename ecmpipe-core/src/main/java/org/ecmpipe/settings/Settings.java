package org.ecmpipe.settings;

import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ecmpipe.ecm.Bound;

/**
 * The effective settings of one command: each value from the command line, else the config file, else the
 * default (the one place this precedence is decided), with where it came from. Typed getters fail with a
 * {@link SettingsException} naming that place.
 */
public final class Settings {
    private final Map<String, Setting> byName;

    private Settings(Map<String, Setting> byName) {
        this.byName = byName;
    }

    /**
     * @param commandLine values given on the command line, by setting name (as typed, for flags "true"/"false")
     */
    public static Settings resolve(List<SettingSpec> specs, Map<String, String> commandLine, ConfigFile config) {
        Map<String, Setting> out = new LinkedHashMap<>();
        for (SettingSpec s : specs) {
            String given = commandLine.get(s.name());
            Optional<ConfigFile.Entry> fromFile = config.get(s.name());
            Setting setting;
            if (given != null) {
                setting = new Setting(s.name(), given, Setting.Origin.COMMAND_LINE, s.option());
            } else if (fromFile.isPresent()) {
                setting = new Setting(s.name(), fromFile.get().text(), Setting.Origin.CONFIG_FILE, fromFile.get().where());
            } else {
                setting = new Setting(s.name(), s.defaultText(), Setting.Origin.DEFAULT,
                        s.defaultMeaning() == null ? "default" : "default: " + s.defaultMeaning());
            }
            out.put(s.name(), setting);
        }
        return new Settings(out);
    }

    public List<Setting> all() {
        return List.copyOf(byName.values());
    }

    public Setting get(SettingSpec spec) {
        Setting s = byName.get(spec.name());
        if (s == null) {
            throw new IllegalArgumentException("not a setting of this command: " + spec.name());
        }
        return s;
    }

    /** The text, or null for none. */
    public String text(SettingSpec spec) {
        return get(spec).text();
    }

    public Path path(SettingSpec spec) {
        String t = text(spec);
        return t == null || t.isBlank() ? null : Path.of(t);
    }

    public boolean flag(SettingSpec spec) {
        Setting s = get(spec);
        return switch (s.text() == null ? "false" : s.text().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw bad(s, "is not true or false");
        };
    }

    /** A whole number in [min, max]; {@code 11e3} style is accepted. */
    public long number(SettingSpec spec, long min, long max) {
        Setting s = get(spec);
        if (s.text() == null) {
            throw bad(s, "needs a value");
        }
        BigInteger v;
        try {
            v = Bound.parse(s.text());
        } catch (IllegalArgumentException e) {
            try {
                v = new BigInteger(s.text().strip());
            } catch (NumberFormatException n) {
                throw bad(s, "'" + s.text() + "' is not a whole number");
            }
        }
        if (v.compareTo(BigInteger.valueOf(min)) < 0 || v.compareTo(BigInteger.valueOf(max)) > 0) {
            throw bad(s, "must be " + (max == Long.MAX_VALUE || max == Integer.MAX_VALUE ? "at least " + min
                    : "between " + min + " and " + max) + ", was " + s.text());
        }
        return v.longValueExact();
    }

    public int count(SettingSpec spec, int min) {
        return (int) number(spec, min, Integer.MAX_VALUE);
    }

    /** A bound such as B2 ({@code 2e9}, {@code 2000000000}); null when not set. */
    public BigInteger bound(SettingSpec spec) {
        Setting s = get(spec);
        if (s.text() == null) {
            return null;
        }
        try {
            return Bound.parse(s.text());
        } catch (IllegalArgumentException e) {
            throw bad(s, e.getMessage());
        }
    }

    /** An error about the value of {@code spec}, naming where it was given. */
    public SettingsException bad(SettingSpec spec, String problem) {
        return bad(get(spec), problem);
    }

    private static SettingsException bad(Setting s, String problem) {
        String where = switch (s.origin()) {
            case COMMAND_LINE -> s.where();
            case CONFIG_FILE -> s.where();
            case DEFAULT -> "default " + s.name();
        };
        return new SettingsException(where + ": " + problem);
    }

    /** The table {@code --print-settings} shows: name, value, origin. */
    public void print(PrintWriter out) {
        int width = byName.keySet().stream().mapToInt(String::length).max().orElse(10);
        for (Setting s : byName.values()) {
            String origin = switch (s.origin()) {
                case COMMAND_LINE -> "command line " + s.where();
                case CONFIG_FILE -> s.where();
                case DEFAULT -> s.where();
            };
            out.printf("%-" + width + "s  %-30s  %s%n", s.name(), s.text() == null ? "(none)" : s.text(), origin);
        }
        out.flush();
    }
}
