package org.ecmpipe.bench.fleet;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/** What the simulated workers saw, as they saw it: the client side of the final check against the database. */
final class FleetLog {

    /** A lease as the worker received it. */
    record Lease(String workId, String client, long compositeId, int curves, long b1) {
    }

    /** A submission the server acknowledged (2xx): what was sent and the attempt it was stored as. */
    record Acked(String submissionId, String client, long compositeId, long attemptId, long b1, int curves) {
    }

    /** A residue upload the server acknowledged (2xx, or 409 "already uploaded" on a retry). */
    record Upload(String checksum, String client, int curves) {
    }

    /** A residue whose stage 2 was submitted and completed, acknowledged. */
    record Stage2(long residueId, long stage2AttemptId, String client) {
    }

    /** Two workers were handed one lease id. */
    record DoubleHanded(String workId, String first, String second) {
    }

    final Map<String, Lease> leases = new ConcurrentHashMap<>();
    final Queue<DoubleHanded> doubleHanded = new ConcurrentLinkedQueue<>();
    final Queue<Acked> acked = new ConcurrentLinkedQueue<>();
    final Map<String, String> sent = new ConcurrentHashMap<>(); // submission id -> client: every one sent at least once
    final Queue<String> unresolved = new ConcurrentLinkedQueue<>(); // sent, never answered before giving up
    final Queue<Upload> uploads = new ConcurrentLinkedQueue<>();
    final Queue<Stage2> stage2 = new ConcurrentLinkedQueue<>();
    final Queue<String> downloadMismatches = new ConcurrentLinkedQueue<>();
    final Queue<String> unexpected = new ConcurrentLinkedQueue<>(); // 4xx/5xx answers no correct run gives
    final Queue<Long> leaseNanos = new ConcurrentLinkedQueue<>(); // every answered lease request (work or none)
    final Queue<Long> grantNanos = new ConcurrentLinkedQueue<>(); // lease requests that got work
    final Queue<Long> submitNanos = new ConcurrentLinkedQueue<>();
    final AtomicLong emptyLeases = new AtomicLong();
    final AtomicLong heartbeats = new AtomicLong();
    final AtomicLong heartbeatsNotActive = new AtomicLong();
    final AtomicLong abandoned = new AtomicLong();
    final AtomicLong vanished = new AtomicLong();
    final AtomicLong completed = new AtomicLong();
    final AtomicLong claims = new AtomicLong();
    final AtomicLong emptyClaims = new AtomicLong();
    final AtomicLong requests = new AtomicLong();

    void leased(Lease lease) {
        Lease before = leases.putIfAbsent(lease.workId(), lease);
        if (before != null) {
            doubleHanded.add(new DoubleHanded(lease.workId(), before.client(), lease.client()));
        }
    }

    /** p-th percentile (0..100) of {@code nanos}, in milliseconds; NaN when empty. */
    static double percentileMillis(Queue<Long> nanos, double p) {
        List<Long> sorted = new ArrayList<>(nanos);
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        Collections.sort(sorted);
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i))) / 1e6;
    }
}
