package org.ecmpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.spi.FilterReply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The console set-up that replaced logback.xml: same levels, same threshold setting, and Logback finds it. */
class ConsoleLoggingTest {

    @AfterEach
    void clearProperty() {
        System.clearProperty("ECMPIPE_CONSOLE_LEVEL");
    }

    private static FilterReply decide(Appender<?> console, Level level) {
        LoggingEvent event = new LoggingEvent();
        event.setLevel(level);
        @SuppressWarnings("unchecked")
        Appender<LoggingEvent> typed = (Appender<LoggingEvent>) console;
        return typed.getFilterChainDecision(event);
    }

    @Test
    void consoleAtInfoForEcmpipeAndWarnForLibraries() {
        LoggerContext context = new LoggerContext();
        ConsoleLogging setup = new ConsoleLogging();
        setup.setContext(context);
        assertThat(setup.configure(context)).isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
        var root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("org.ecmpipe").getLevel()).isEqualTo(Level.INFO);
        assertThat(context.getLogger(Logging.ECM_OUTPUT).getLevel()).isEqualTo(Level.INFO);
        Appender<?> console = root.getAppender(ConsoleLogging.CONSOLE);
        assertThat(console).isInstanceOf(TerminalConsoleAppender.class);
        assertThat(decide(console, Level.INFO)).isEqualTo(FilterReply.NEUTRAL);
        assertThat(decide(console, Level.DEBUG)).isEqualTo(FilterReply.DENY);
    }

    @Test
    void theConsoleThresholdCanBeRaised() {
        System.setProperty("ECMPIPE_CONSOLE_LEVEL", "WARN");
        LoggerContext context = new LoggerContext();
        ConsoleLogging setup = new ConsoleLogging();
        setup.setContext(context);
        setup.configure(context);
        Appender<?> console = context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(ConsoleLogging.CONSOLE);
        assertThat(decide(console, Level.INFO)).isEqualTo(FilterReply.DENY);
        assertThat(decide(console, Level.WARN)).isEqualTo(FilterReply.NEUTRAL);
    }

    @Test
    void logbackFindsItThroughTheServiceLoader() {
        var context = (LoggerContext) LoggerFactory.getILoggerFactory();
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(ConsoleLogging.CONSOLE))
                .isInstanceOf(TerminalConsoleAppender.class);
    }
}
