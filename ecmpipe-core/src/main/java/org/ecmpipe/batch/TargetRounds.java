package org.ecmpipe.batch;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ecmpipe.composite.Composite;
import org.ecmpipe.ledger.Layout;
import org.ecmpipe.pipeline.PipelineReport;
import org.ecmpipe.result.CompositeResult;
import org.ecmpipe.result.ResultsFile;
import org.ecmpipe.submit.Submitter;
import org.ecmpipe.tlevel.TLevel;
import org.ecmpipe.tlevel.WorkItem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --target-t T}: rounds of ECM until every number's t-level (all the work in its results lines, recomputed
 * with GMP-ECM's model, never added up) reaches T. Each round picks, per number, the B1 of the standard ladder for
 * the next t-level above where the number stands (unless B1 was given) and the curves that reach that level or T,
 * whichever is lower (unless curves were given; on a GPU one batch), then runs the numbers grouped by B1 and curves.
 */
final class TargetRounds implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TargetRounds.class);
    /** Rounds at most: the ladder's length and some, so a number that cannot get there ends the run anyway. */
    static final int MAX_ROUNDS = 16;

    private final RunSettings settings;
    private final Clock clock;
    private volatile BatchRun current;
    private final ServerTLevels server;

    TargetRounds(RunSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.server = settings.submission() == null ? null : new ServerTLevels(settings.submission().target().endpoint());
    }

    /** Ends the connection to the results server used for its t-levels, if one was made. */
    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }

    void endChildrenNow() {
        BatchRun round = current;
        if (round != null) {
            round.endChildrenNow();
        }
    }

    /** A round's choice for one number. */
    private record Step(long b1, int curves) {
    }

    BatchOutcome run(NumberSource source, BatchListener listener, boolean restart, boolean retryFailed)
            throws IOException {
        if (settings.targetT() == null) {
            log.info("Stage 1 on the CPU and none of --b1, --curves, --target-t given: each number is worked to the"
                    + " t-level of 4/13 of its digits (t30.8 for a c100; give --b1 and --curves for fixed work)");
        }
        Path resultsFile = settings.resultsFile() != null ? settings.resultsFile()
                : Layout.of(settings.workDir()).defaultResultsFile();
        if (restart) {
            // before the first round reads what it is about to set aside
            try (org.ecmpipe.ledger.WorkDir workDir = org.ecmpipe.ledger.WorkDir.open(settings.workDir(),
                    settings.resultsFile(), clock)) {
                BatchRun.restart(workDir, settings);
            } catch (org.ecmpipe.ledger.WorkDirException e) {
                throw new BatchSetupException(e.getMessage());
            }
        }
        Map<BigInteger, Integer> positions = new java.util.HashMap<>();
        for (int i = 0; i < source.numbers().size(); i++) {
            positions.putIfAbsent(source.numbers().get(i).value(), source.positionOf(i));
        }
        Set<BigInteger> ranHere = new HashSet<>();
        List<PipelineReport> reports = new ArrayList<>();
        Submitter.Stats submissions = null;
        boolean stopped = false;
        for (int round = 1; round <= MAX_ROUNDS && !stopped; round++) {
            Map<BigInteger, List<CompositeResult>> earlier = byNumber(ResultsFile.read(resultsFile).results());
            Map<Step, List<Composite>> groups = new LinkedHashMap<>();
            for (Composite c : source.numbers()) {
                Step step = step(c, earlier.getOrDefault(c.value(), List.of()), settings.targetFor(c.value()),
                        retryFailed && round == 1, round);
                if (step != null) {
                    groups.computeIfAbsent(step, k -> new ArrayList<>()).add(c);
                }
            }
            if (groups.isEmpty()) {
                break;
            }
            for (Map.Entry<Step, List<Composite>> group : groups.entrySet()) {
                Step step = group.getKey();
                log.info("Round {}: {} number(s) at B1={}, {} {} each", round, group.getValue().size(), step.b1(),
                        step.curves(), settings.gpu() ? "GPU batch(es)" : "curves");
                BatchRun run = new BatchRun(settings.withRound(step.b1(), step.curves()), clock);
                current = run;
                List<Integer> groupPositions = group.getValue().stream().map(c -> positions.get(c.value())).toList();
                BatchOutcome outcome = run.runOnce(new NumberSource(source.name(), group.getValue(), groupPositions,
                        source.total()), listener, false, retryFailed && round == 1, true);
                current = null;
                group.getValue().forEach(c -> ranHere.add(c.value()));
                reports.add(outcome.report());
                if (outcome.submissions() != null) {
                    submissions = outcome.submissions();
                }
                if (outcome.stopped()) {
                    stopped = true;
                    break;
                }
            }
        }
        Map<BigInteger, List<CompositeResult>> all = byNumber(ResultsFile.read(resultsFile).results());
        if (!stopped) {
            List<String> short_ = new ArrayList<>();
            for (Composite c : source.numbers()) {
                if (belowTarget(all.getOrDefault(c.value(), List.of()), settings.targetFor(c.value()))) {
                    short_.add(c.shortText());
                }
            }
            if (!short_.isEmpty()) {
                log.warn("{} number(s) still short of their target after {} rounds: {} (run the same command again to go"
                        + " on)", short_.size(), MAX_ROUNDS, short_);
            }
        }
        List<CompositeResult> results = new ArrayList<>();
        Set<BigInteger> earlierOnly = new HashSet<>();
        for (Composite c : source.numbers()) {
            List<CompositeResult> lines = all.get(c.value());
            if (lines != null) {
                results.add(lines.getLast());
                if (!ranHere.contains(c.value())) {
                    earlierOnly.add(c.value());
                }
            }
        }
        return new BatchOutcome(results, earlierOnly, source.numbers().size(), merge(reports, results), stopped,
                submissions, resultsFile);
    }

    /** What the next round does with a number, or null when it needs nothing more. */
    private Step step(Composite c, List<CompositeResult> lines, double target, boolean retryFailed, int round) {
        CompositeResult latest = lines.isEmpty() ? null : lines.getLast();
        if (latest != null && (latest.status() == CompositeResult.Status.SKIPPED || latest.cofactorPrime())) {
            return null; // prime or factored
        }
        if (latest != null && latest.status() == CompositeResult.Status.FAILED && !retryFailed) {
            return null;
        }
        List<WorkItem> work = new ArrayList<>();
        lines.stream().filter(r -> r.status() == CompositeResult.Status.DONE).forEach(r -> work.addAll(r.work()));
        double t = TLevel.of(work);
        if (server != null) {
            // when submitting, the server also knows other clients' work on the number
            t = Math.max(t, server.tLevel(c.value()).orElse(0));
        }
        if (t >= target) {
            if (round == 1) {
                log.info("{} is at t{} already (target t{}): skipped", c.shortText(), fmt(t), fmt(target));
            }
            return null;
        }
        long[] rung = nextRung(t, target);
        long b1 = settings.b1Given() ? settings.b1() : rung[1];
        // past the ladder's top rung the rung is no step up: aim at the target itself
        double goal = rung[0] > t + 0.001 ? Math.min(rung[0], target) : target;
        if (settings.b2() != null && settings.b2().signum() > 0 && settings.b2().compareTo(BigInteger.valueOf(b1)) <= 0) {
            throw new BatchSetupException("--b2 " + settings.b2() + " is not above the B1=" + b1 + " this round needs"
                    + " towards t" + fmt(target) + ": give a larger --b2, or leave it out");
        }
        int curves;
        if (settings.curvesGiven()) {
            curves = settings.curves();
        } else if (settings.gpu()) {
            curves = 1; // one GPU batch: thousands of curves
        } else {
            long needed;
            try {
                needed = TLevel.curvesToReach(work, goal, curveLike(b1, c.value())).curves();
            } catch (IllegalArgumentException e) {
                throw new BatchSetupException("t" + fmt(goal) + " cannot be reached with B1=" + b1 + " (" + e.getMessage()
                        + "): give a larger --b1, or leave --b1 out to climb the usual ladder");
            }
            curves = (int) Math.max(1, Math.min(Integer.MAX_VALUE, needed));
        }
        log.info("{} at t{} (target t{}): {} curves at B1={}{}", c.shortText(), fmt(t), fmt(target), curves, b1,
                settings.b1Given() ? "" : " (the ladder's B1 for t" + rung[0] + ")");
        return new Step(b1, curves);
    }

    /** Whether a number (not factored, not failed) is still below its target. */
    private static boolean belowTarget(List<CompositeResult> lines, double target) {
        CompositeResult latest = lines.isEmpty() ? null : lines.getLast();
        if (latest == null || latest.status() != CompositeResult.Status.DONE || latest.cofactorPrime()) {
            return false;
        }
        List<WorkItem> work = new ArrayList<>();
        lines.stream().filter(r -> r.status() == CompositeResult.Status.DONE).forEach(r -> work.addAll(r.work()));
        return TLevel.of(work) < target;
    }

    /** One curve as this run makes it: its B1, the run's B2 (default, none, given; a B2 range counts as none). */
    private WorkItem curveLike(long b1, BigInteger n) {
        boolean ntt = TLevel.nttByDefault(n);
        BigInteger b2 = settings.b2Min() != null ? BigInteger.ZERO : settings.b2Auto() ? null : settings.b2();
        return new WorkItem(1, b1, b2, settings.param(), ntt);
    }

    /** The ladder's rung for the next level above {@code t}, not beyond the one that holds the target. */
    static long[] nextRung(double t, double target) {
        return org.ecmpipe.tlevel.B1Ladder.nextRung(t, target);
    }

    private static Map<BigInteger, List<CompositeResult>> byNumber(List<CompositeResult> results) {
        Map<BigInteger, List<CompositeResult>> out = new LinkedHashMap<>();
        results.forEach(r -> out.computeIfAbsent(r.composite(), k -> new ArrayList<>()).add(r));
        return out;
    }

    private static PipelineReport merge(List<PipelineReport> reports, List<CompositeResult> results) {
        Duration elapsed = Duration.ZERO;
        Duration s1 = Duration.ZERO;
        Duration s2 = Duration.ZERO;
        int producers = 1;
        boolean interrupted = false;
        for (PipelineReport r : reports) {
            elapsed = elapsed.plus(r.elapsed());
            s1 = s1.plus(r.stage1Busy());
            s2 = s2.plus(r.stage2Busy());
            producers = r.producers();
            interrupted |= r.interrupted();
        }
        return new PipelineReport(results, elapsed, s1, s2, producers, interrupted);
    }

    private static String fmt(double t) {
        return String.format("%.2f", t);
    }
}
