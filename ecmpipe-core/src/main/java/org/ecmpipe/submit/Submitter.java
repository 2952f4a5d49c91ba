package org.ecmpipe.submit;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.ecmpipe.result.CompositeResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submits finished numbers to the results server without holding up the pipeline. Each result is first written
 * to the {@link Outbox} (durable), then sent by a background thread and removed from the outbox once the server
 * has it. A result the server cannot take now stays in the outbox for the next run or {@code ecmpipe resend};
 * its {@code submission_id} makes a resend count once. Once the server proves unreachable, the rest of the run
 * only fills the outbox.
 */
public final class Submitter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Submitter.class);

    /** What was sent: accepted (new or duplicate), refused for good, and still waiting in the outbox. */
    public record Stats(int accepted, int duplicates, int rejected, int waiting) {
    }

    private final Outbox outbox;
    private final SubmissionClient client;
    private final String project;
    private final String clientId;
    private final LinkedBlockingQueue<Outbox.Entry> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger duplicates = new AtomicInteger();
    private final AtomicInteger rejected = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Thread sender;
    private volatile boolean unreachable;

    public Submitter(Outbox outbox, SubmissionClient client, String project, String clientId) {
        this.outbox = outbox;
        this.client = client;
        this.project = project;
        this.clientId = clientId;
        this.sender = Thread.ofPlatform().daemon().name("submitter").start(this::sendLoop);
    }

    /** Queues every submission left in the outbox by earlier runs (sent before this run's results). */
    public int resendPending() throws IOException {
        List<Outbox.Entry> pending = outbox.pending();
        if (!pending.isEmpty()) {
            log.info("Resending {} result(s) left in {} by an earlier run", pending.size(), outbox.dir());
        }
        for (Outbox.Entry e : pending) {
            inFlight.incrementAndGet();
            queue.add(e);
        }
        return pending.size();
    }

    /** Whether the result reports ECM work worth sending (done, with curves run); others are not sent. */
    public boolean wants(CompositeResult result) {
        return SubmissionBody.submittable(result);
    }

    /**
     * Puts the result in the outbox (durably) and queues it for sending.
     *
     * @return its submission id
     */
    public String accept(CompositeResult result) throws IOException {
        Outbox.Entry entry = outbox.add(SubmissionBody.of(result, project, clientId));
        inFlight.incrementAndGet();
        queue.add(entry);
        return entry.submissionId();
    }

    private void sendLoop() {
        try {
            while (true) {
                Outbox.Entry entry = queue.take();
                try {
                    if (!unreachable) {
                        send(entry);
                    }
                } finally {
                    synchronized (inFlight) {
                        inFlight.decrementAndGet();
                        inFlight.notifyAll();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void send(Outbox.Entry entry) throws InterruptedException {
        SubmissionClient.Outcome outcome = client.send(entry.body());
        try {
            switch (outcome) {
                case SubmissionClient.Outcome.Accepted a -> {
                    outbox.remove(entry);
                    if ("duplicate".equals(a.factorStatus())) {
                        duplicates.incrementAndGet();
                    } else {
                        accepted.incrementAndGet();
                    }
                    log.debug("submitted {} ({}): attempt {}, {}", entry.submissionId(), entry.body().path("composite").asText(),
                            a.attemptId(), a.factorStatus());
                }
                case SubmissionClient.Outcome.Rejected r -> {
                    rejected.incrementAndGet();
                    outbox.reject(entry, r.message());
                    log.error("The results server refused submission {}: {} (kept in {}/rejected)", entry.submissionId(),
                            r.message(), outbox.dir());
                }
                case SubmissionClient.Outcome.Failed f -> {
                    if (f.unreachable()) {
                        unreachable = true;
                        log.warn("Results server {} unreachable ({}): results are kept in {} and sent by the next run or"
                                + " 'ecmpipe resend'", client.submitUri(), f.message(), outbox.dir());
                    } else {
                        log.warn("Submission {} not delivered ({}): kept in {}", entry.submissionId(), f.message(), outbox.dir());
                    }
                }
            }
        } catch (IOException e) {
            log.error("Outbox {}: {}", outbox.dir(), e.getMessage());
        }
    }

    /**
     * Waits until every queued submission was tried, or {@code max} has passed.
     *
     * @return what happened; {@code waiting} counts what is left in the outbox
     */
    public Stats drain(Duration max) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + max.toNanos();
        synchronized (inFlight) {
            long left;
            while (inFlight.get() > 0 && (left = deadline - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.timedWait(inFlight, left);
            }
        }
        return new Stats(accepted.get(), duplicates.get(), rejected.get(), outbox.pending().size());
    }

    /** Stops the sender thread and ends the client's HttpClient; what was not sent stays in the outbox. */
    @Override
    public void close() {
        sender.interrupt();
        try {
            sender.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            client.close();
        }
    }
}
