package org.ecmpipe.pipeline;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.ecmpipe.ecm.FoundFactor;
import org.ecmpipe.residue.Residue;
import org.ecmpipe.residue.ResidueFile;
import org.ecmpipe.result.CompositeResult;
import org.ecmpipe.result.Factor;
import org.ecmpipe.result.Factorization;
import org.ecmpipe.result.Reason;
import org.ecmpipe.result.ResultBuilder;
import org.ecmpipe.stage1.Stage1Result;
import org.ecmpipe.stage2.Stage2Request;
import org.ecmpipe.stage2.Stage2Result;
import org.ecmpipe.stage2.Stage2Verdict;
import org.ecmpipe.tlevel.TLevelCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the pipeline makes of a number once its stage 1 ended: the stage 2 it still needs (if any), then its result.
 * The one place both ways of running the pipeline (stages on their own devices, or sharing the CPU's cores) build
 * results, so their accounting is the same: stage-1 curves at B2=0 until stage 2 runs, earlier runs' stage-2 curves
 * added, factors verified.
 */
final class NumberResults {
    private static final Logger log = LoggerFactory.getLogger(NumberResults.class);

    private final PipelineOptions options;
    private final int param;
    private final String ecmVersion;
    private final Clock clock;
    private final AutoB2 autoB2;
    private final int batchSize;
    /** The batch's numbers mostly share their work, so its t-levels are computed once each. */
    private final TLevelCache tLevels = new TLevelCache();

    /** @param autoB2 B2 chosen as the batch runs, or null */
    NumberResults(PipelineOptions options, int param, String ecmVersion, Clock clock, AutoB2 autoB2, int batchSize) {
        this.options = options;
        this.param = param;
        this.ecmVersion = ecmVersion;
        this.clock = clock;
        this.autoB2 = autoB2;
        this.batchSize = batchSize;
    }

    /** A number's result, and its stage 2 when one ran. */
    record Finished(CompositeResult result, Stage2Result stage2) {
    }

    /**
     * A number after stage 1: either finished already ({@code finished}), or waiting for the stage 2 in
     * {@code stage2} (over {@code stage2.residues()}: the lines no earlier run completed).
     */
    final class Pending {
        final Stage1Handoff handoff;
        final Finished finished;
        final Stage2Request stage2;
        private final Factorization factorization;
        private final ResultBuilder result;
        private final int priorCurves;
        private final double priorSeconds;

        private Pending(Stage1Handoff handoff, Finished finished, Stage2Request stage2, Factorization factorization,
                        ResultBuilder result, int priorCurves, double priorSeconds) {
            this.handoff = handoff;
            this.finished = finished;
            this.stage2 = stage2;
            this.factorization = factorization;
            this.result = result;
            this.priorCurves = priorCurves;
            this.priorSeconds = priorSeconds;
        }

        PlannedNumber number() {
            return handoff.number();
        }

        /** The number's result once its stage 2 ran. */
        Finished afterStage2(Stage2Result s2) {
            if (autoB2 != null && !s2.stoppedEarly() && s2.curvesCompleted() == stage2.residues().size()
                    && !handoff.reused()) {
                autoB2.observe(handoff.stage1Time().toNanos() / 1e9, s2.elapsed().toNanos() / 1e9, s2.b2());
            }
            s2.factors().forEach(x -> addVerified(factorization, x, number()));
            result.bounds(options.b1(), s2.b2())
                    .stage2(priorCurves + s2.curvesCompleted(), priorSeconds + s2.elapsed().toNanos() / 1e9)
                    .factorization(factorization);
            Stage2Verdict verdict = Stage2Verdict.of(s2, factorization);
            return new Finished(verdict.failed() ? result.failed(Reason.STAGE2_FAILED, verdict.detail()) : result.done(), s2);
        }
    }

    /** Whether ECM still has work on the number: its cofactor, after what stage 0 and stage 1 found, is composite. */
    static boolean needsStage2(PlannedNumber number, List<FoundFactor> stage1Factors) {
        Factorization f = new Factorization(number.composite().value());
        number.smallFactors().forEach(s -> f.add(s.factor().pow(s.exponent()), s.stage(), s.sigma()));
        stage1Factors.forEach(x -> f.add(x.factor(), x.step(), x.sigma()));
        return !f.cofactorIsPrime();
    }

    /**
     * A stage 1 that ran but left no readable residues for a number that still needs stage 2 could not write them
     * (disk full, file system turned read-only): that is not the number's failure, so the run stops as for any failed
     * write, and a later run redoes this stage 1.
     *
     * @throws IOException naming the file and what is wrong with it
     */
    static void checkResiduesSaved(PlannedNumber number, Stage1Result result, boolean stage2Enabled) throws IOException {
        if (!stage2Enabled || !needsStage2(number, result.factors())) {
            return;
        }
        java.nio.file.Path file = result.residueFile();
        String problem;
        if (!Files.exists(file)) {
            problem = "it is missing";
        } else {
            ResidueFile.Contents contents = ResidueFile.read(file);
            problem = contents.residues().isEmpty() ? "it holds no residue"
                    : contents.problems().isEmpty() ? null : contents.problems().size() + " line(s) are cut short or damaged";
        }
        if (problem != null) {
            throw new IOException("stage 1 of number " + number.position() + " could not save its residues in " + file
                    + ": " + problem + " (is the disk full or read-only?)");
        }
    }

    /**
     * What stage 1 left: the result when nothing more is to be done (stage 1 failed, settled the number, or stage 2
     * is off), else the stage 2 to run on {@code workers} workers.
     */
    Pending afterStage1(Stage1Handoff h, int workers) {
        PlannedNumber number = h.number();
        Instant started = clock.instant().minus(h.stage1Time());
        Factorization f = new Factorization(number.composite().value());
        number.smallFactors().forEach(s -> f.add(s.factor().pow(s.exponent()), s.stage(), s.sigma()));
        Stage1Result s1 = h.stage1();
        if (s1 != null) {
            s1.factors().forEach(x -> addVerified(f, x, number));
        }
        PlannedNumber.PriorStage2 prior = number.priorStage2();
        if (prior != null) {
            prior.factors().forEach(x -> addVerified(f, x, number));
        }
        int priorCurves = prior == null ? 0 : prior.completedLines().size();
        double priorSeconds = prior == null ? 0 : prior.seconds();
        ResultBuilder result = ResultBuilder.of(number.composite().value(), clock).tLevels(tLevels)
                .bounds(options.b1(), null)
                .param(param)
                .stage1(s1 == null ? 0 : s1.curves(), h.stage1Time().toNanos() / 1e9, h.reused(), h.device())
                .stage2(priorCurves, priorSeconds)
                .ecmVersion(ecmVersion)
                .input(number.composite().expression())
                .ecmInput(number.ecmInput())
                .b2Default(options.b2() == null && !options.b2Auto())
                .b2Min(options.b2Min())
                .startedAt(started);
        if (h.error() != null) {
            return done(h, result.factorization(f).failed(Reason.STAGE1_FAILED, h.error()));
        }
        if (f.cofactorIsPrime() || !options.stage2Enabled()) {
            // the cofactor is 1 or prime: stage 2 has nothing to work on (ecm saved no residues for it); a
            // composite factor found whole stays listed as composite
            result.bounds(options.b1(), options.stage2Enabled() ? null : BigInteger.ZERO);
            return done(h, result.factorization(f).done());
        }
        List<Residue> residues;
        try {
            residues = Files.exists(s1.residueFile()) ? ResidueFile.read(s1.residueFile()).residues() : List.of();
        } catch (IOException e) {
            return done(h, result.factorization(f).failed(Reason.RESIDUES_UNREADABLE, e.getMessage()));
        }
        if (residues.isEmpty()) {
            return done(h, result.factorization(f).failed(Reason.STAGE1_NO_RESIDUES, "in " + s1.residueFile()));
        }
        if (prior != null) {
            residues = residues.stream().filter(r -> !prior.completedLines().contains(r.lineNumber())).toList();
        }
        List<BigInteger> known = f.factors().stream().map(Factor::factor).toList();
        BigInteger b2 = autoB2 != null ? autoB2.current() : options.b2();
        Stage2Request request = new Stage2Request(number.ecmInput(), options.b1(), b2, residues, workers,
                options.continueAfterFactor(), options.progressInterval(), options.curveTimeout(), known,
                autoB2 != null ? null : options.b2Min());
        return new Pending(h, null, request, f, result, priorCurves, priorSeconds);
    }

    private Pending done(Stage1Handoff h, CompositeResult result) {
        return new Pending(h, new Finished(result, null), null, null, null, 0, 0);
    }

    private void addVerified(Factorization f, FoundFactor found, PlannedNumber number) {
        if (f.add(found.factor(), found.step(), found.sigma()) == Factorization.Outcome.NOT_A_DIVISOR) {
            log.warn("[{}/{}] ecm reported {} (sigma {}), which does not divide the number: ignored",
                    number.position(), batchSize, found.factor(), found.sigma());
        }
    }
}
