package org.ecmpipe.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.ecmpipe.config.EcmpipeConfig;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** Loads {@code --config FILE}, or {@code ecmpipe.yaml} in the current directory when present. */
final class Configs {
    private Configs() {
    }

    static EcmpipeConfig load(CommandLine cli, Path configFile) {
        try {
            if (configFile != null) {
                if (!Files.isRegularFile(configFile)) {
                    throw new ParameterException(cli, "--config: " + configFile + " does not exist");
                }
                return EcmpipeConfig.load(configFile);
            }
            Path local = Path.of(EcmpipeConfig.DEFAULT_FILE);
            return Files.isRegularFile(local) ? EcmpipeConfig.load(local) : EcmpipeConfig.empty();
        } catch (EcmpipeConfig.ConfigException e) {
            throw new ParameterException(cli, "config: " + e.getMessage());
        }
    }
}
