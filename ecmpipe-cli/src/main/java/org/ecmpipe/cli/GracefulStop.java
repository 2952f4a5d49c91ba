package org.ecmpipe.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C and SIGTERM during a run: the first stops the run gracefully (no new work, every ecm child ended and
 * reaped, finished results and the journal written, a cut-short stage 2 recorded); a second one exits at once,
 * after killing the children (a later run finds anything left through the journal). Uses {@code sun.misc.Signal}
 * (module jdk.unsupported): the JDK has no supported API to handle a signal without starting JVM shutdown.
 */
final class GracefulStop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GracefulStop.class);
    /** Exit status of a second Ctrl-C: 128 + SIGINT, as shells report it. */
    static final int HARD_EXIT = 130;

    private final AtomicInteger signals = new AtomicInteger();
    private final List<Signal> installed = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();
    private volatile boolean requested;

    /** @param hardStop ends every ecm child at once (the second signal) */
    GracefulStop(Thread runner, Runnable hardStop) {
        SignalHandler handler = signal -> {
            if (signals.incrementAndGet() == 1) {
                requested = true;
                log.warn("SIG{} received: stopping. Ending ecm processes and writing what finished; press Ctrl-C again"
                        + " to exit at once", signal.getName());
                runner.interrupt();
            } else {
                hardStop.run();
                Runtime.getRuntime().halt(HARD_EXIT);
            }
        };
        for (String name : List.of("INT", "TERM")) {
            try {
                Signal signal = new Signal(name);
                previous.add(Signal.handle(signal, handler));
                installed.add(signal);
            } catch (IllegalArgumentException e) {
                log.debug("cannot handle SIG{}: {}", name, e.getMessage());
            }
        }
    }

    /** True once a stop was asked for. */
    boolean requested() {
        return requested;
    }

    @Override
    public void close() {
        for (int i = 0; i < installed.size(); i++) {
            Signal.handle(installed.get(i), previous.get(i));
        }
    }
}
