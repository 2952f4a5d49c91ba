package org.ecmpipe.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log set-up after the command line is read: {@code -v} turns on debug logs (with ecm's own lines), and a
 * log file in the work dir keeps ecmpipe's own logs at debug level for later reading. ecm's own lines go to that
 * file only with {@code -v}: logging every line ecm prints was most of ecmpipe's CPU use while ecm runs
 * (bench/jvm-cpu.sh: 0.5 to 0.27 CPU-s per minute without it).
 */
final class Logging {
    /** Logger for the lines ecm itself prints (debug level). */
    static final String ECM_OUTPUT = "ecm";

    private Logging() {
    }

    static void configure(boolean verbose, Path logFile) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return; // another SLF4J binding: leave its set-up alone
        }
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.classic.Logger ours = context.getLogger("org.ecmpipe");
        ch.qos.logback.classic.Logger ecm = context.getLogger(ECM_OUTPUT);
        if (verbose) {
            ours.setLevel(Level.DEBUG);
            ecm.setLevel(Level.DEBUG);
            var console = root.getAppender(ConsoleLogging.CONSOLE);
            if (console != null) {
                console.clearAllFilters();
            }
        }
        var previous = root.getAppender("work-dir-log");
        if (previous != null) { // an earlier command in this JVM (tests) logged to another work dir
            root.detachAppender(previous);
            previous.stop();
        }
        if (logFile != null && usableDirectory(logFile.toAbsolutePath().getParent())) {
            PatternLayoutEncoder encoder = new PatternLayoutEncoder();
            encoder.setContext(context);
            encoder.setPattern("%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n");
            encoder.start();
            FileAppender<ILoggingEvent> file = new FileAppender<>();
            file.setContext(context);
            file.setName("work-dir-log");
            file.setFile(logFile.toString());
            file.setAppend(true);
            file.setEncoder(encoder);
            file.start();
            root.addAppender(file);
            // the file gets ecmpipe's debug detail even without -v (ecm's lines only with -v, set above); the
            // console appender filters by threshold
            ours.setLevel(Level.DEBUG);
        }
    }

    /**
     * Whether the log file's directory exists or can be made; when it cannot (the work dir is a file, not writable),
     * the command itself reports that, so the log library must not print its own errors about it first.
     */
    private static boolean usableDirectory(Path dir) {
        try {
            java.nio.file.Files.createDirectories(dir);
            return java.nio.file.Files.isWritable(dir);
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** Shows {@code status} below the log lines until it is closed. */
    static void attach(StatusLine status) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.putObject(StatusLine.CONTEXT_KEY, status);
        }
    }
}
