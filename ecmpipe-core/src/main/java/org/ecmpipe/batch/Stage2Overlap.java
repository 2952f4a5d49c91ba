package org.ecmpipe.batch;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
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
 * done. A stop (the calling thread interrupted) ends every open number's ecm at once and records what each completed.
 */
final class Stage2Overlap {
    private final List<CompositeResidues> numbers;
    private final Stage2Batch batch;
    private final ResidueFileRun.Listener listener;
    private final EcmBinary ecm;
    private final ResultLedger ledger;
    private final int workers;

    /** Guarded by {@code this}: numbers opened so far (index = position in the file), and the next to record. */
    private final List<Number> opened = new ArrayList<>();
    private int recorded;
    private boolean stopping;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<CompositeResult> results = new ArrayList<>();

    private final class Number {
        final int index;
        final Stage2Batch.Open open;
        CompositeResult result;
        boolean finishing;

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
     * Runs every number (or until a stop) and returns the results recorded, in file order.
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
        // numbers no worker finished (a stop, or a failure): their partial results, recorded in order
        List<Number> left;
        synchronized (this) {
            left = opened.stream().filter(n -> n.result == null && !n.finishing).toList();
        }
        for (Number n : left) {
            finished(n, n.open.finish());
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable f = failure.get();
        if (f instanceof IOException io) {
            throw io;
        }
        if (f != null) {
            throw new IllegalStateException("stage-2 worker failed: " + f.getMessage(), f);
        }
        synchronized (this) {
            return stopping || recorded < numbers.size();
        }
    }

    List<CompositeResult> results() {
        synchronized (this) {
            return List.copyOf(results);
        }
    }

    private void work() {
        try {
            Number n;
            while ((n = next()) != null) {
                if (n.open.work()) {
                    synchronized (this) {
                        n.finishing = true;
                    }
                    finished(n, n.open.finish());
                }
            }
        } catch (IOException | RuntimeException e) {
            failure.compareAndSet(null, e);
            stopAll();
        }
    }

    /**
     * The first open number with a line to hand out, opening the next number of the file when none has; null when
     * every number is handed out (or the run is stopping). With W + 1 numbers open and none to hand out, waits for
     * the oldest to be recorded.
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
            if (opened.size() - recorded <= workers) {
                int index = opened.size();
                CompositeResidues number = numbers.get(index);
                opened.add(new Number(index, batch.open(number, listener.starting(index + 1, numbers.size(), number, ecm))));
                continue;
            }
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    /** Records the result, and every later one already done, in file order. */
    private void finished(Number n, CompositeResult result) throws IOException {
        synchronized (this) {
            n.result = result;
            n.finishing = false;
            while (recorded < opened.size() && opened.get(recorded).result != null) {
                CompositeResult r = opened.get(recorded).result;
                // a stage 2 cut short by a stop is recorded with the curves it completed: a residue file has no
                // journal to resume from, so this keeps the credit for the work done
                ledger.accept(r);
                results.add(r);
                recorded++;
                listener.finished(recorded, numbers.size(), r);
            }
            notifyAll();
        }
    }

    /** No more numbers are opened, and every open number's ecm is ended now. */
    private void stopAll() {
        List<Number> open;
        synchronized (this) {
            stopping = true;
            open = List.copyOf(opened);
            notifyAll();
        }
        open.forEach(n -> n.open.stop());
    }
}
