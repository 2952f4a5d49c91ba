package org.ecmpipe.fleet;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.ecmpipe.submit.SubmissionClient.Sleeper;
import java.util.List;
import java.util.Optional;
import org.ecmpipe.batch.BatchSetupException;
import org.ecmpipe.composite.Primality;
import org.ecmpipe.result.CompositeResult;
import org.ecmpipe.result.Factor;
import org.ecmpipe.result.ResultsFile;
import org.ecmpipe.submit.SubmissionBody;

/** What the jobs of one worker share: settings, the server, the retry policy, the unit store, the clock, the stop. */
final class WorkerContext {
    final WorkerSettings settings;
    final FleetApi api;
    final Retrying retry;
    final UnitStore store;
    final Clock clock;
    private volatile boolean stopping;
    private volatile Runnable endChildren = () -> { };

    WorkerContext(WorkerSettings settings, FleetApi api, UnitStore store, Clock clock, Sleeper sleeper) {
        this.settings = settings;
        this.api = api;
        this.retry = new Retrying(sleeper, Duration.ofSeconds(1), Duration.ofSeconds(30),
                () -> stopping || Thread.currentThread().isInterrupted());
        this.store = store;
        this.clock = clock;
    }

    boolean stopping() {
        return stopping;
    }

    void stop() {
        stopping = true;
    }

    /** The hard stop of the engine now running (a second Ctrl-C). */
    void endChildrenNow() {
        endChildren.run();
    }

    void engine(Runnable endChildrenNow) {
        this.endChildren = endChildrenNow;
    }

    /** One call to an engine (a lease's batch run, a claim's stage 2). */
    interface EngineRun<T> {
        T run() throws IOException;
    }

    /** Hands a lease or claim back to the server, saying why. */
    interface HandBack {
        void handBack(String why) throws IOException;
    }

    /**
     * How an engine run under a heartbeat ended.
     *
     * @param outcome     what the engine returned; null when a stop came before it could start (the unit was handed back)
     * @param interrupted the run left the thread interrupted (a stop)
     * @param lost        a heartbeat found the lease or claim lost, read once the heartbeat was closed
     */
    record Guarded<T>(T outcome, boolean interrupted, boolean lost) {
        boolean stoppedBeforeStart() {
            return outcome == null;
        }
    }

    /**
     * Runs an engine for a lease or claim under its heartbeat (closed here): the engine's hard stop serves a second
     * Ctrl-C while it runs. When the engine cannot start (ecm missing, or the stop came while it probed ecm) nothing
     * ran: the unit is handed back, and the failure is thrown again unless it was the stop. The thread's interrupt is
     * read once the engine has ended, and {@code lost} once the heartbeat is closed, so that a beat that found the unit
     * lost while the engine was ending counts.
     */
    <T> Guarded<T> underHeartbeat(Heartbeat beat, Runnable endChildrenNow, EngineRun<T> run, HandBack handBack)
            throws IOException {
        engine(endChildrenNow);
        T outcome;
        boolean interrupted;
        try (beat) {
            outcome = run.run();
        } catch (BatchSetupException e) {
            boolean stopped = Thread.interrupted();
            handBack.handBack(stopped ? "worker stopped" : e.getMessage());
            if (stopped) {
                stop();
                return new Guarded<>(null, true, false);
            }
            throw e;
        } finally {
            engine(() -> { });
            interrupted = Thread.interrupted();
        }
        return new Guarded<>(outcome, interrupted, beat.lost());
    }

    /** How a unit ended. */
    enum Ending {
        /** Its result is on the server and the lease or claim completed. */
        DONE,
        /** The server took it back (a factor found elsewhere, expired): nothing of it is sent. */
        LOST,
        /** The worker was stopped: the lease or claim was handed back. */
        HANDED_BACK,
        /** Its number failed here (ecm crashed, ...): handed back with the reason. */
        FAILED,
        /** Finished but not all sent (the worker stopped while the server was away): kept for the next start. */
        KEPT
    }

    record Outcome(Ending ending, List<BigInteger> factors) {
        static Outcome of(Ending ending) {
            return new Outcome(ending, List.of());
        }
    }

    /** The newest result the unit's engine recorded for {@code n}, if any. */
    static Optional<CompositeResult> recorded(Path runDir, BigInteger n) throws IOException {
        Path file = org.ecmpipe.ledger.Layout.of(runDir).defaultResultsFile();
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        List<CompositeResult> all = ResultsFile.read(file).results();
        return all.reversed().stream().filter(r -> r.composite().equals(n)).findFirst();
    }

    /**
     * Submits a finished number once (its submission id makes a repeat after a crash count once) and journals the
     * attempt id; every factor is checked first: it divides the number and its primality is our own test's.
     */
    WorkUnit submit(WorkUnit unit, CompositeResult result) throws IOException, InterruptedException {
        // a number trial division settled ran no curve, but its factors are news to the server that leased it
        if (unit.attemptId() != null || !(SubmissionBody.submittable(result) || SubmissionBody.settledBeforeEcm(result))) {
            return unit;
        }
        for (Factor f : result.factors()) {
            BigInteger p = f.factor();
            if (p.compareTo(BigInteger.ONE) <= 0 || p.compareTo(result.composite()) >= 0 || result.composite().mod(p).signum() != 0
                    || f.prime() != Primality.isPrime(p)) {
                throw new IllegalStateException("factor " + p + " of " + result.composite() + " failed verification; not submitted");
            }
        }
        long attempt = retry.call("submitting " + unit, () -> api.submit(SubmissionBody.of(result, settings.project(),
                settings.clientId())));
        WorkUnit sent = unit.submitted(attempt);
        store.save(sent);
        return sent;
    }

    /** Every factor the result sends the server: ECM's and those trial division found before any curve. */
    static List<BigInteger> found(CompositeResult r) {
        return r.factors().stream().map(Factor::factor).toList();
    }

    /** The factors for a log line: "no factor", or each with how it was found (stage 1, stage 2, trial division). */
    static String describeFactors(CompositeResult r) {
        if (r.factors().isEmpty()) {
            return "no factor";
        }
        return "factor(s) " + r.factors().stream().map(f -> f.factor() + (f.stage() > 0 ? " (stage " + f.stage() + ")"
                : " (trial division)")).collect(java.util.stream.Collectors.joining(", "));
    }
}
