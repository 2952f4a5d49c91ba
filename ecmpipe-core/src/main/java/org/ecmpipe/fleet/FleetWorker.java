package org.ecmpipe.fleet;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ecmpipe.batch.BatchSetupException;
import org.ecmpipe.fleet.WorkerContext.Ending;
import org.ecmpipe.fleet.WorkerContext.Outcome;
import org.ecmpipe.ledger.Layout;
import org.ecmpipe.ledger.WorkDir;
import org.ecmpipe.ledger.WorkDirException;
import org.ecmpipe.submit.SubmissionClient.Sleeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet worker ({@code ecmpipe worker}): takes work from the results server for its role, runs it with the
 * engine, sends the result, and repeats.
 *
 * <ul>
 *   <li>Work is journaled in the work dir ({@link UnitStore}) before it runs; at start, units left by a killed worker
 *       are resumed when the server still holds them for this client, handed back otherwise, and finished work not yet
 *       sent is sent (never run again).</li>
 *   <li>A heartbeat keeps each lease or claim alive; when the server cancels it (a factor was found elsewhere) the
 *       number's ecm children end and the worker moves on.</li>
 *   <li>A server that is down is waited for (doubling backoff): found factors stay in the unit's results file
 *       until the server has them.</li>
 *   <li>Stopping: interrupt the thread in {@link #run} (SIGINT/SIGTERM in the CLI): the ecm children end and the
 *       lease or claim held is handed back; {@link #endChildrenNow} is the hard stop.</li>
 *   <li>{@code --until-idle}: returns when the server has no work for this role and nothing running anywhere in the
 *       fleet can make more (live leases or claims; work another role may still make is waited for
 *       {@code idleWait}).</li>
 * </ul>
 */
public final class FleetWorker {
    private static final Logger log = LoggerFactory.getLogger(FleetWorker.class);

    private final WorkerSettings settings;
    private final Clock clock;
    private final Sleeper sleeper;
    private volatile WorkerContext context;

    /** Units failing one after another on this host (ecm crashing, ...): past this many the worker stops. */
    static final int MAX_FAILED_IN_A_ROW = 3;
    private int failedInARow;
    private int leasesDone;
    private int residuesDone;
    private int handedBack;
    private final List<BigInteger> factors = new ArrayList<>();

    public FleetWorker(WorkerSettings settings, Clock clock) {
        this(settings, clock, Sleeper.REAL);
    }

    FleetWorker(WorkerSettings settings, Clock clock, Sleeper sleeper) {
        this.settings = settings;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** Ends every ecm child of the unit now running at once (the hard stop). */
    public void endChildrenNow() {
        WorkerContext c = context;
        if (c != null) {
            c.endChildrenNow();
        }
    }

    /**
     * Runs until stopped (interrupt) or, with {@code untilIdle}, until there is no work for this role.
     *
     * @throws BatchSetupException when the worker cannot start (work dir in use, ecm missing)
     * @throws IOException when the work dir cannot be written, or the server refuses this worker's requests
     */
    public WorkerOutcome run() throws IOException {
        Path fleet = Layout.of(settings.workDir()).fleetDir();
        Files.createDirectories(fleet);
        try (FileChannel lockFile = FileChannel.open(fleet.resolve("worker.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = tryLock(lockFile);
             FleetApi api = new FleetApi(settings.api(), settings.clientId())) {
            if (lock == null) {
                throw new BatchSetupException("another worker is using the work dir " + settings.workDir()
                        + " (fleet/worker.lock); give each worker its own --work-dir");
            }
            WorkerContext ctx = new WorkerContext(settings, api, new UnitStore(fleet), clock, sleeper);
            context = ctx;
            return loop(ctx);
        } catch (InterruptedException e) {
            log.info("Worker stopped");
            Thread.currentThread().interrupt();
            return tally(true);
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    private WorkerOutcome tally(boolean stopped) {
        return new WorkerOutcome(leasesDone, residuesDone, handedBack, factors, stopped);
    }

    private WorkerOutcome loop(WorkerContext ctx) throws IOException, InterruptedException {
        FleetApi.Pending first = ctx.retry.call("reaching the server", ctx.api::pending);
        Duration leaseTime = Duration.ofSeconds(Math.max(1, first.leaseSeconds()));
        log.info("Worker {} ({}) on {}: leases of {} s, heartbeat every {} s", settings.clientId(), settings.role().wire(),
                ctx.api.api(), leaseTime.toSeconds(), Heartbeat.period(leaseTime).toSeconds());
        for (WorkUnit unit : ctx.store.held()) {
            reapOrphans(ctx.store.runDir(unit)); // ecm processes a killed worker left running on this unit
            if (!record(unit, runUnit(ctx, unit, leaseTime, true)) || ctx.stopping()) {
                return tally(true);
            }
        }
        Instant lastActivity = clock.instant();
        while (true) {
            if (ctx.stopping() || Thread.currentThread().isInterrupted()) {
                return tally(true);
            }
            Optional<WorkUnit> taken = take(ctx, leaseTime);
            if (taken.isPresent()) {
                WorkUnit unit = taken.get();
                log.info("Took {} on {}", unit, org.ecmpipe.composite.Composite.abbreviate(unit.composite()));
                if (!record(unit, runUnit(ctx, unit, leaseTime, false)) || ctx.stopping()) {
                    return tally(true);
                }
                lastActivity = clock.instant();
                continue;
            }
            if (settings.untilIdle()) {
                FleetApi.Pending p = ctx.retry.call("asking what is pending", ctx.api::pending);
                if (p.running()) {
                    lastActivity = clock.instant();
                } else {
                    boolean mayCome = settings.role() == Role.STAGE2 ? p.leasableComposites() > 0 || p.availableResidues() > 0
                            : p.availableResidues() > 0 || p.leasableComposites() > 0;
                    if (!mayCome || Duration.between(lastActivity, clock.instant()).compareTo(settings.idleWait()) >= 0) {
                        log.info("No work for a {} worker and none running in the fleet: done", settings.role().wire());
                        return tally(false);
                    }
                }
            }
            sleeper.sleep(settings.poll());
        }
    }

    /** Counts a unit's ending; false when the worker must stop. */
    private boolean record(WorkUnit unit, Outcome outcome) throws IOException {
        failedInARow = outcome.ending() == Ending.FAILED ? failedInARow + 1 : 0;
        if (failedInARow >= MAX_FAILED_IN_A_ROW) {
            throw new IOException(failedInARow + " units in a row failed on this host (the last: " + unit + "); stopping rather"
                    + " than taking more work to fail: see " + Layout.of(settings.workDir()).logFile());
        }
        switch (outcome.ending()) {
            case DONE -> {
                if (unit.lease()) {
                    leasesDone++;
                } else {
                    residuesDone++;
                }
                factors.addAll(outcome.factors());
            }
            case HANDED_BACK -> handedBack++;
            case KEPT -> {
                return false;
            }
            default -> { }
        }
        return outcome.ending() != Ending.HANDED_BACK;
    }

    /** How long a residue claim holds without a heartbeat: the server's lease time, at least the 10 s it accepts. */
    static Duration claimTime(Duration leaseTime) {
        return leaseTime.compareTo(Duration.ofSeconds(10)) < 0 ? Duration.ofSeconds(10) : leaseTime;
    }

    private void reapOrphans(Path runDir) throws IOException {
        if (!Files.isDirectory(runDir)) {
            return;
        }
        try (WorkDir w = WorkDir.open(runDir, null, clock)) {
            int ended = w.reapOrphans();
            if (ended > 0) {
                log.info("Ended {} ecm process(es) a killed worker left running in {}", ended, runDir);
            }
        } catch (WorkDirException e) {
            throw new BatchSetupException(e.getMessage());
        }
    }

    private Optional<WorkUnit> take(WorkerContext ctx, Duration leaseTime) throws IOException, InterruptedException {
        Optional<WorkUnit> unit;
        if (settings.role().leases()) {
            int param = 3; // the GPU's; CPU stage 1 too, as in `run` (GMP-ECM 7.0.5+ saves param-1 residues without PARAM)
            unit = ctx.retry.call("asking for work", () -> ctx.api.lease(settings.maxCurves(), param)).map(WorkUnit::of);
        } else {
            unit = ctx.retry.call("asking for residues", () -> ctx.api.claim(claimTime(leaseTime).toSeconds())).map(WorkUnit::of);
        }
        if (unit.isPresent()) {
            ctx.store.save(unit.get()); // journaled before anything runs
        }
        return unit;
    }

    private Outcome runUnit(WorkerContext ctx, WorkUnit unit, Duration leaseTime, boolean resumed)
            throws IOException, InterruptedException {
        return unit.lease() ? new LeaseJob(ctx).run(unit, leaseTime, resumed) : new ClaimJob(ctx).run(unit, claimTime(leaseTime), resumed);
    }
}
