package org.ecmpipe.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.Logger;

/**
 * Logback's set-up before the command line is read, found by Logback through {@code META-INF/services}: the console
 * (standard error) at INFO for ecmpipe's own loggers, WARN for libraries, lines {@code HH:mm:ss LEVEL message}, kept
 * below the {@link StatusLine}. {@link Logging} adjusts it after the command line ({@code -v}, the work dir's log
 * file). This replaced a {@code logback.xml}: reading the XML (a SAX parser and Logback's Joran interpreter, both
 * still interpreted at that point) was about 0.07 CPU-s of every start.
 *
 * <p>{@code ECMPIPE_CONSOLE_LEVEL} (a system property or environment variable) sets the console's threshold. With
 * {@code -Dlogback.configurationFile=FILE} Logback reads that file instead, as it documents.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class ConsoleLogging extends ContextAwareBase implements Configurator {
    static final String CONSOLE = "CONSOLE";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{HH:mm:ss} %-5level %msg%n");
        encoder.start();
        ThresholdFilter threshold = new ThresholdFilter();
        threshold.setContext(context);
        threshold.setLevel(consoleLevel());
        threshold.start();
        TerminalConsoleAppender console = new TerminalConsoleAppender();
        console.setContext(context);
        console.setName(CONSOLE);
        console.setTarget("System.err");
        console.setEncoder(encoder);
        console.addFilter(threshold);
        console.start();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(console);
        context.getLogger("org.ecmpipe").setLevel(Level.INFO);
        context.getLogger(Logging.ECM_OUTPUT).setLevel(Level.INFO);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private static String consoleLevel() {
        String level = System.getProperty("ECMPIPE_CONSOLE_LEVEL", System.getenv("ECMPIPE_CONSOLE_LEVEL"));
        return level == null || level.isBlank() ? "INFO" : level.strip();
    }
}
