package org.ecmpipe.stage2;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.ecmpipe.ecm.FoundFactor;
import org.ecmpipe.residue.CompositeResidues;
import org.ecmpipe.residue.Residue;
import org.ecmpipe.result.CompositeResult;
import org.ecmpipe.result.Factorization;
import org.ecmpipe.result.Reason;
import org.ecmpipe.result.ResultBuilder;
import org.ecmpipe.tlevel.TLevelCache;

/**
 * Stage 2 of a residue file's numbers: opens each number's residues on a {@link Stage2Executor} to worker threads
 * that may move between numbers ({@link #open}) and turns what it found into that number's {@link CompositeResult}.
 */
public final class Stage2Batch {

    /** Options shared by every number of the batch. */
    public record Options(BigInteger b2, int workers, boolean continueAfterFactor, int progressInterval,
                          Duration curveTimeout, BigInteger b2Min) {
        public Options {
            Objects.requireNonNull(curveTimeout, "curveTimeout");
        }
    }

    private final Stage2Executor executor;
    private final String ecmVersion;
    private final Options options;
    private final Clock clock;
    /** The batch's numbers mostly share their work, so its t-levels are computed once each. */
    private final TLevelCache tLevels = new TLevelCache();

    public Stage2Batch(Stage2Executor executor, String ecmVersion, Options options, Clock clock) {
        this.executor = executor;
        this.ecmVersion = ecmVersion;
        this.options = options;
        this.clock = clock;
    }

    /**
     * The number's stage 2 open to worker threads that join it one at a time ({@link Open#work}) and may move on to
     * another number when it has no line left for them; the one told it left last calls {@link Open#finish}.
     */
    public Open open(CompositeResidues work, Stage2Listener listener) {
        Instant started = clock.instant();
        Factorization factorization = knownFactorization(work);
        return new Open(work, started, factorization, executor.open(request(work, factorization), listener));
    }

    /** A number's stage 2 that threads join (see {@link Stage2Executor.Session}). */
    public final class Open {
        private final CompositeResidues work;
        private final Instant started;
        private final Factorization factorization;
        private final Stage2Executor.Session session;

        private Open(CompositeResidues work, Instant started, Factorization factorization, Stage2Executor.Session session) {
            this.work = work;
            this.started = started;
            this.factorization = factorization;
            this.session = session;
        }

        /** Whether a thread joining now would find a line to take. */
        public boolean open() {
            return session.open();
        }

        /** Runs lines on the calling thread until none is left to take; true for the one that should finish. */
        public boolean work() {
            return session.work();
        }

        /** Ends every worker's ecm now (a stop of the whole run). */
        public void stop() {
            session.stop();
        }

        /** Waits for every worker to leave and returns the number's result (partial after a stop). */
        public CompositeResult finish() {
            return resultOf(work, started, factorization, session.finish());
        }
    }

    /** A residue saved after a stage-1 factor carries the cofactor: that factor was found in stage 1. */
    private static Factorization knownFactorization(CompositeResidues work) {
        Factorization factorization = new Factorization(work.composite());
        for (Residue r : work.residues()) {
            if (!r.n().equals(work.composite())) {
                factorization.add(work.composite().divide(r.n()), 1, null);
            }
        }
        return factorization;
    }

    private Stage2Request request(CompositeResidues work, Factorization factorization) {
        List<BigInteger> known = factorization.factors().stream().map(f -> f.factor()).toList();
        return new Stage2Request(work.composite(), work.b1(), options.b2(), work.residues(),
                options.workers(), options.continueAfterFactor(), options.progressInterval(), options.curveTimeout(),
                known, options.b2Min());
    }

    private CompositeResult resultOf(CompositeResidues work, Instant started, Factorization factorization,
                                     Stage2Result result) {
        for (FoundFactor f : result.factors()) {
            factorization.add(f.factor(), f.step(), f.sigma());
        }
        Stage2Verdict verdict = Stage2Verdict.of(result, factorization);
        ResultBuilder built = ResultBuilder.of(work.composite(), clock).tLevels(tLevels)
                .factorization(factorization)
                .bounds(work.b1(), result.b2())
                .b2Default(options.b2() == null)
                .b2Min(options.b2Min())
                .param(commonParam(work.residues()))
                .stage1(work.residues().size(), 0.0, true, null)
                .stage2(result.curvesCompleted(), result.elapsed().toNanos() / 1e9)
                .ecmVersion(ecmVersion)
                .startedAt(started);
        return verdict.failed() ? built.failed(Reason.STAGE2_FAILED, verdict.detail()) : built.done();
    }

    private static Integer commonParam(List<Residue> residues) {
        List<Integer> params = residues.stream().map(Residue::effectiveParam).distinct().toList();
        return params.size() == 1 ? params.getFirst() : null;
    }
}
