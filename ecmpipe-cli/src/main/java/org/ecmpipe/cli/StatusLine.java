package org.ecmpipe.cli;

import java.io.PrintStream;
import java.lang.reflect.Method;
import java.util.function.Supplier;

/**
 * A live status line at the bottom of a terminal: redrawn every second and around every log line (see
 * {@link TerminalConsoleAppender}). Inactive when standard error is not a terminal, so logs piped to a file
 * stay clean.
 */
final class StatusLine implements AutoCloseable {
    /** Key under which the logback context holds the active status line. */
    static final String CONTEXT_KEY = "ecmpipe.statusLine";

    private final PrintStream out;
    private final Supplier<String> text;
    private final Thread ticker;
    private volatile boolean active;
    private boolean drawn;

    StatusLine(PrintStream out, Supplier<String> text) {
        this.out = out;
        this.text = text;
        this.ticker = Thread.ofPlatform().daemon().name("status-line").unstarted(this::tick);
    }

    /** True when stdin/stdout/stderr belong to a terminal (JDK 22+: Console.isTerminal; JDK 21: console present). */
    static boolean onTerminal() {
        java.io.Console console = System.console();
        if (console == null || System.getenv("TERM") == null || "dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        try {
            Method isTerminal = java.io.Console.class.getMethod("isTerminal");
            return (boolean) isTerminal.invoke(console);
        } catch (ReflectiveOperationException e) {
            return true; // JDK 21: System.console() is null unless interactive
        }
    }

    void start() {
        active = true;
        ticker.start();
    }

    /**
     * A status line below the logs when standard error is a terminal (started and attached to the logs), else one
     * that shows nothing.
     */
    static StatusLine forTerminal(PrintStream out, Supplier<String> text) {
        StatusLine status = new StatusLine(out, text);
        if (onTerminal()) {
            Logging.attach(status);
            status.start();
        }
        return status;
    }

    private void tick() {
        while (active) {
            synchronized (this) {
                if (active) {
                    redraw();
                }
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    boolean active() {
        return active;
    }

    /** Erases the line (call with this object's lock held). */
    void clear() {
        if (drawn) {
            out.print("\r\033[K");
            out.flush();
            drawn = false;
        }
    }

    /** Draws the line anew (call with this object's lock held). */
    void redraw() {
        out.print("\r\033[K" + text.get());
        out.flush();
        drawn = true;
    }

    @Override
    public void close() {
        synchronized (this) {
            active = false;
            clear();
        }
        ticker.interrupt();
    }
}
