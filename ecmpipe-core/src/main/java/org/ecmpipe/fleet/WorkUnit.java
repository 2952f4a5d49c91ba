package org.ecmpipe.fleet;

import java.math.BigInteger;

/**
 * One piece of fleet work held by this worker, journaled in its work dir before anything runs: a work lease
 * ({@code kind} lease, {@code id} its work id) or a residue claim ({@code kind} claim, {@code id} the residue id).
 * What is done so far: {@code attemptId} once the result was submitted, {@code uploaded} once the stage-1 residues
 * were uploaded.
 */
record WorkUnit(String kind, String id, BigInteger composite, long b1, int curves, int param, Long attemptId,
                boolean uploaded) {
    static final String LEASE = "lease";
    static final String CLAIM = "claim";

    static WorkUnit of(FleetApi.Lease l) {
        return new WorkUnit(LEASE, l.id(), l.composite(), l.b1(), l.curves(), l.param(), null, false);
    }

    static WorkUnit of(FleetApi.Claim c) {
        return new WorkUnit(CLAIM, Long.toString(c.residueId()), c.composite(), c.b1(), c.curves(), c.param(), null, false);
    }

    boolean lease() {
        return LEASE.equals(kind);
    }

    WorkUnit submitted(long attempt) {
        return new WorkUnit(kind, id, composite, b1, curves, param, attempt, uploaded);
    }

    WorkUnit residuesUploaded() {
        return new WorkUnit(kind, id, composite, b1, curves, param, attemptId, true);
    }

    String name() {
        return kind + "-" + id;
    }

    @Override
    public String toString() {
        return (lease() ? "lease " : "residue ") + id + " (" + curves + " curves at B1=" + b1 + ")";
    }
}
