package org.ecmpipe.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ecmpipe.settings.Catalog;
import org.ecmpipe.settings.ConfigFile;
import org.ecmpipe.settings.SettingSpec;
import org.ecmpipe.settings.Settings;
import org.ecmpipe.settings.SettingsException;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Turns a parsed command line into the command's effective {@link Settings}: the options the user typed (as
 * typed), the config file, the catalog's defaults. Picocli's fields are only for parsing and help; nobody reads
 * them, so the precedence is decided in one place ({@link Settings#resolve}).
 */
final class CommandSettings {
    /** Flags that turn a default-on setting off. */
    private static final Set<String> NEGATIVE_FLAGS = Set.of("--no-gpu", "--no-submit");
    /** Their opposites, to turn back on what a config file turned off: setting name by flag. */
    private static final Map<String, String> POSITIVE_FLAGS = Map.of("--gpu", "gpu.enabled", "--submit", "api.submit");
    /** The config file read when no --config is given, if it exists. */
    static final String DEFAULT_CONFIG = "ecmpipe.yaml";

    private CommandSettings() {
    }

    /**
     * @throws SettingsException from the config file (naming file, line and key)
     */
    static Settings resolve(CommandSpec spec, List<SettingSpec> catalog, Path configOption) {
        ConfigFile config = config(configOption);
        Map<String, String> given = new HashMap<>();
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        for (SettingSpec s : catalog) {
            if (s.option() == null) {
                continue;
            }
            OptionSpec option = spec.findOption(s.option());
            if (option == null || !parsed.hasMatchedOption(option)) {
                continue;
            }
            if (NEGATIVE_FLAGS.contains(s.option())) {
                given.put(s.name(), "false");
            } else if (option.arity().max() == 0) {
                given.put(s.name(), "true");
            } else {
                List<String> typed = parsed.matchedOption(s.option()).stringValues();
                given.put(s.name(), typed.getLast());
            }
        }
        for (Map.Entry<String, String> flag : POSITIVE_FLAGS.entrySet()) {
            OptionSpec option = spec.findOption(flag.getKey());
            if (option != null && parsed.hasMatchedOption(option)) {
                if (given.containsKey(flag.getValue())) {
                    throw new SettingsException(flag.getKey() + " and its opposite were both given");
                }
                given.put(flag.getValue(), "true");
            }
        }
        return Settings.resolve(catalog, given, config);
    }

    /** The config file ({@code --config}, else {@code ecmpipe.yaml} if present) with its local override on top. */
    private static ConfigFile config(Path configOption) {
        Path file = configOption != null ? configOption : Path.of(DEFAULT_CONFIG);
        if (configOption != null && !Files.isRegularFile(configOption)) {
            throw new SettingsException("--config: " + configOption + " does not exist or is not a file");
        }
        ConfigFile config = Files.isRegularFile(file) ? ConfigFile.load(file, Catalog.CONFIG_KEYS) : ConfigFile.empty();
        Path local = ConfigFile.localOverrideOf(file);
        return Files.isRegularFile(local) ? config.overlaidBy(ConfigFile.load(local, Catalog.CONFIG_KEYS)) : config;
    }

    /** Shows the catalog's defaults in --help ({@code ${DEFAULT-VALUE}}); flags have none to show. */
    static CommandLine.IDefaultValueProvider defaults(List<SettingSpec> catalog) {
        return argSpec -> {
            if (!(argSpec instanceof OptionSpec o) || o.arity().max() == 0) {
                return null;
            }
            for (SettingSpec s : catalog) {
                if (s.option() != null && List.of(o.names()).contains(s.option())) {
                    return s.defaultText();
                }
            }
            return null;
        };
    }
}
