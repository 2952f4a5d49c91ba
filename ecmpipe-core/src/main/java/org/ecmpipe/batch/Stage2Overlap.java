package org.ecmpipe.batch;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.ecmpipe.ecm.EcmBinary;
import org.ecmpipe.ledger.ResultLedger;
import org.ecmpipe.residue.CompositeResidues;
import org.ecmpipe.result.CompositeResult;
import org.ecmpipe.stage2.Stage2Batch;

/**
 * The stage 2 of a residue file's numbers on W worker threads (one {@code ecm -resume} each) that move on to the next
 * number as soon as theirs has no line left to hand out, so no core idles through the last curves of each number
 * (with numbers one after another, W - 1 workers wait for the slowest last curve of every number). At most W + 1
 * numbers are open at once; results are recorded in file order, each as soon as it and the numbers before it are
 * done, outside the lock that hands out work (a slow disk never holds up a stop). A stop (the calling thread
 * interrupted) ends every open number's ecm at once and records what each completed; a number that completed no
 * curve is not recorded. A result that cannot be recorded stops the run there: nothing after it is recorded.
 */
final class Stage2Overlap {
    private final List<CompositeResidues> numbers;
    private final Stage2Batch batch;
    private final ResidueFileRun.Listener listener;
    private final EcmBinary ecm;
    private final ResultLedger ledger;
    private final int workers;

    /** Numbers opened so far, in file order (appended under {@code this}; read anywhere). */
    private final List<Number> opened = new CopyOnWriteArrayList<>();
    private volatile boolean stopping;
    /** How many opened numbers are settled (recorded, or skipped); written under {@link #recording}. */
    private volatile int settled;
    private final Object recording = new Object();
    /** Guarded by {@link #recording}. */
    private final List<CompositeResult> results = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private final class Number {
        /** Its place in the file, from 0. */
        final int index;
        final Stage2Batch.Open open;
        /** A worker is finishing it (it was the last to leave). */
        volatile boolean finishing;
        /** Set once its session is finished. */
        volatile CompositeResult result;

        Number(int index, Stage2Batch.Open open) {
            this.index = index;
            this.open = open;
        }
    }

    Stage2Overlap(List<CompositeResidues> numbers, Stage2Batch batch, ResidueFileRun.Listener listener, EcmBinary ecm,
                  ResultLedger ledger, int workers) {
        this.numbers = List.copyOf(numbers);
        this.batch = batch;
        this.listener = listener;
        this.ecm = ecm;
        this.ledger = ledger;
        this.workers = Math.max(1, workers);
    }

    /**
     * Runs every number (or until a stop).
     *
     * @return true when stopped before the end
     * @throws IOException a result could not be recorded: every number's ecm was ended there
     */
    boolean run() throws IOException {
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            // platform threads: each reads its ecm's pipe line by line
            threads.add(Thread.ofPlatform().name("stage2-worker-" + (w + 1)).start(this::work));
        }
        boolean interrupted = false;
        try {
            for (Thread t : threads) {
                while (true) {
                    try {
                        t.join();
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                        stopAll();
                    }
                }
            }
        } finally {
            // numbers no worker finished (a stop, or a failure): every one is finished, whatever else fails
            for (Number n : opened) {
                if (n.result == null && !n.finishing) {
                    try {
                        finished(n, n.open.finish());
                    } catch (RuntimeException | Error e) {
                        failure.compareAndSet(null, e);
                    }
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        Throwable f = failure.get();
        if (f instanceof IOException io) {
            throw io;
        }
        if (f != null) {
            throw new IllegalStateException("stage-2 worker failed: " + f.getMessage(), f);
        }
        return stopping || settled < numbers.size();
    }

    /** The results recorded, in file order. */
    List<CompositeResult> results() {
        synchronized (recording) {
            return List.copyOf(results);
        }
    }

    private void work() {
        Number current = null;
        try {
            while ((current = next()) != null) {
                if (current.open.work()) {
                    current.finishing = true;
                    finished(current, current.open.finish());
                }
                current = null;
            }
        } catch (Throwable e) { // an Error too: the other workers must not wait for this one forever
            failure.compareAndSet(null, e);
            if (current != null) {
                current.finishing = false; // run() finishes it
            }
            stopAll();
        }
    }

    /**
     * The first open number with a line to hand out, opening the next number of the file when none has; null when
     * every number is handed out (or the run is stopping). With W + 1 numbers open and none to hand out, waits for
     * the oldest to be settled.
     */
    private synchronized Number next() {
        while (!stopping) {
            for (Number n : opened) {
                if (n.result == null && !n.finishing && n.open.open()) {
                    return n;
                }
            }
            if (opened.size() >= numbers.size()) {
                return null;
            }
            if (opened.size() - settled <= workers) {
                int index = opened.size();
                CompositeResidues number = numbers.get(index);
                opened.add(new Number(index, batch.open(number, listener.starting(index + 1, numbers.size(), number, ecm))));
                continue;
            }
            try {
                wait();
            } catch (InterruptedException e) {
                stopAll(); // nothing interrupts a worker but a stop of the run
                return null;
            }
        }
        return null;
    }

    /** Records the result, and every later one already done, in file order (a failed record stops the run). */
    private void finished(Number n, CompositeResult result) {
        synchronized (recording) {
            n.result = result;
            n.finishing = false;
            while (settled < opened.size() && opened.get(settled).result != null && failure.get() == null) {
                Number next = opened.get(settled);
                CompositeResult r = next.result;
                // a stage 2 cut short by a stop is recorded with the curves it completed (a residue file has no
                // journal to resume from: this keeps the credit for the work done); one that completed none is not
                if (!(stopping && r.stage2Curves() == 0)) {
                    try {
                        ledger.accept(r);
                    } catch (IOException e) {
                        failure.compareAndSet(null, e);
                        break;
                    }
                    results.add(r);
                    listener.finished(next.index + 1, numbers.size(), r);
                }
                settled++;
            }
        }
        if (failure.get() != null) {
            stopAll();
        }
        synchronized (this) {
            notifyAll(); // a worker waiting for room to open the next number
        }
    }

    /** No more numbers are opened, and every open number's ecm is ended now. */
    private void stopAll() {
        stopping = true;
        for (Number n : opened) {
            n.open.stop();
        }
        synchronized (this) {
            notifyAll();
        }
    }
}
