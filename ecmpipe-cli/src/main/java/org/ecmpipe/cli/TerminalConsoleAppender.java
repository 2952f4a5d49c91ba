package org.ecmpipe.cli;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;

/** The console appender, made to keep the {@link StatusLine} below the log lines instead of writing over it. */
public final class TerminalConsoleAppender extends ConsoleAppender<ILoggingEvent> {
    @Override
    protected void subAppend(ILoggingEvent event) {
        Object holder = getContext() == null ? null : getContext().getObject(StatusLine.CONTEXT_KEY);
        if (!(holder instanceof StatusLine status) || !status.active()) {
            super.subAppend(event);
            return;
        }
        synchronized (status) {
            status.clear();
            super.subAppend(event);
            if (status.active()) {
                status.redraw();
            }
        }
    }
}
