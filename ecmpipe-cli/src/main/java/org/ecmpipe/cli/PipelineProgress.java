package org.ecmpipe.cli;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.ecmpipe.ecm.FoundFactor;
import org.ecmpipe.batch.BatchListener;
import org.ecmpipe.pipeline.PlannedNumber;
import org.ecmpipe.result.CompositeResult;
import org.ecmpipe.stage1.Stage1Result;
import org.ecmpipe.stage2.CurveFailure;
import org.ecmpipe.stage2.Stage2Listener;
import org.ecmpipe.stage2.Stage2Progress;
import org.ecmpipe.stage2.Stage2Result;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns pipeline events into the log lines users of the Python tool know ({@code [GPU Thread] [3/100] Starting
 * stage 1 for ...}, {@code Pipeline Stats: ...}) and keeps what the live status line shows.
 */
final class PipelineProgress implements BatchListener {
    private static final Logger log = LoggerFactory.getLogger("org.ecmpipe.pipeline");
    private static final Logger ecmLog = LoggerFactory.getLogger(Logging.ECM_OUTPUT);

    private final int total;
    private final long startNanos = System.nanoTime();
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicInteger factors = new AtomicInteger();
    private final Map<String, String> stage1Now = new ConcurrentHashMap<>();
    private volatile String stage2Now = "idle";
    private volatile Stage2Progress stage2Progress;
    private final AtomicInteger stage1Curves = new AtomicInteger();
    private volatile long firstFinishNanos;
    private volatile long lastFinishNanos;
    private final AtomicInteger ranHere = new AtomicInteger();

    PipelineProgress(int total) {
        this.total = total;
    }

    @Override
    public void settled(CompositeResult result) {
        done.incrementAndGet();
        factors.addAndGet(result.factors().size());
    }

    @Override
    public void alreadyDone(CompositeResult result) {
        settled(result);
    }

    private String pos(PlannedNumber n) {
        return "[" + n.position() + "/" + total + "]";
    }

    @Override
    public void stage1Started(String producer, PlannedNumber number) {
        stage1Now.put(producer, "number " + number.position() + " stage 1");
        stage1Curves.set(0);
        log.info("[{} Thread] {} Starting stage 1 for {}", producer, pos(number), number.composite().shortText());
    }

    @Override
    public void stage1Finished(String producer, PlannedNumber number, Stage1Result result) {
        stage1Now.put(producer, "waiting");
        String seconds = String.format("%.1fs", result.elapsed().toNanos() / 1e9);
        if (result.failed()) {
            log.error("[{} Thread] {} Stage 1 failed after {}: {}", producer, pos(number), seconds, result.error());
            return;
        }
        String found = result.factors().isEmpty() ? "" : ", factor(s) " + result.factors().stream()
                .map(f -> f.factor().toString()).distinct().collect(Collectors.joining(", "));
        log.info("[{} Thread] {} Stage 1 complete in {} ({} curves{}), passing to CPU thread", producer, pos(number),
                seconds, result.curves(), found);
    }

    @Override
    public void stage1Output(String line) {
        if (line.startsWith("Step 1 took")) {
            stage1Curves.incrementAndGet();
        }
    }

    @Override
    public void stage2Started(PlannedNumber number, int curves) {
        stage2Progress = null;
        stage2Now = "number " + number.position() + " stage 2 (" + curves + " curves)";
        log.info("[CPU Thread] {} Starting stage 2: {} curves", pos(number), curves);
    }

    @Override
    public Stage2Listener stage2Listener(PlannedNumber number) {
        return new Stage2Listener() {
            @Override
            public void curveCompleted(Stage2Progress p) {
                stage2Progress = p;
            }

            @Override
            public void progress(Stage2Progress p) {
                log.info("[CPU Thread] {} Stage 2: {}/{} curves, {}s elapsed{}", pos(number), p.curvesDone(),
                        p.curvesTotal(), p.elapsed().toSeconds(), p.eta() == null ? "" : ", ETA " + p.eta().toSeconds() + "s");
            }

            @Override
            public void factorFound(FoundFactor f) {
                log.info("[CPU Thread] {} Factor {} found in stage {} by sigma {}", pos(number), f.factor(), f.step(), f.sigma());
            }

            @Override
            public void curveFailed(CurveFailure failure) {
                log.warn("[CPU Thread] {} curve {} failed: {}", pos(number), failure.sigma(), failure.reason());
            }

            @Override
            public void ecmOutput(int worker, String line) {
                ecmLog.debug("[stage 2 worker {}] {}", worker, line);
            }
        };
    }

    @Override
    public void stage2Finished(PlannedNumber number, Stage2Result result) {
        stage2Now = "idle";
    }

    @Override
    public void numberFinished(PlannedNumber number, CompositeResult r) {
        int finished = done.incrementAndGet();
        long now = System.nanoTime();
        if (firstFinishNanos == 0) {
            firstFinishNanos = now;
        }
        lastFinishNanos = now;
        ranHere.incrementAndGet();
        int newFactors = (int) r.factors().stream().filter(f -> f.stage() > 0).count();
        factors.addAndGet(r.factors().size());
        String s2 = String.format("%.1fs", r.stage2Seconds());
        if (r.status() == CompositeResult.Status.FAILED) {
            log.error("[CPU Thread] {} Failed: {}", pos(number), r.reasonText());
        } else if (r.stage2Curves() == 0) {
            log.info("[CPU Thread] {} Done without stage 2{}", pos(number), describe(r, newFactors));
        } else {
            log.info("[CPU Thread] {} Stage 2 complete in {}{}", pos(number), s2, describe(r, newFactors));
        }
        log.info("Pipeline Stats: {}/{} complete, {} factors found, {} min elapsed", finished, total, factors.get(),
                String.format("%.1f", elapsedSeconds() / 60));
    }

    private static String describe(CompositeResult r, int ecmFactors) {
        if (r.factors().isEmpty()) {
            return ", no factor";
        }
        return ", factors " + r.factors().stream().map(f -> f.factor() + (f.prime() ? "" : " (composite)"))
                .collect(Collectors.joining(", ")) + "; cofactor " + (r.cofactorPrime() ? "prime" : "composite")
                + (ecmFactors == 0 ? " (factors from trial division)" : "");
    }

    private double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** The live status line. */
    String statusText() {
        int finished = done.get();
        double elapsed = elapsedSeconds();
        String eta = eta(finished);
        Stage2Progress p = stage2Progress;
        String s2 = p == null || "idle".equals(stage2Now) ? stage2Now : stage2Now + ", " + p.curvesDone() + " done";
        int curves = stage1Curves.get();
        String s1 = stage1Now.isEmpty() ? "starting" : stage1Now.entrySet().stream()
                .map(e -> e.getKey() + ": " + e.getValue()
                        + (curves > 0 && e.getValue().endsWith("stage 1") ? ", " + curves + " curves" : ""))
                .collect(Collectors.joining(", "));
        return String.format("[%d/%d done, %d factors] %s | CPU: %s | %s elapsed, ETA %s", finished, total,
                factors.get(), s1, s2, formatDuration(elapsed), eta);
    }

    /**
     * Time left: numbers still to finish times the time between finishes so far (the pipeline's pace once both
     * stages run; the first number alone, which waited for its own stage 1, would make it too long); unknown until
     * two numbers have finished.
     */
    private String eta(int finished) {
        int left = total - finished;
        if (left <= 0) {
            return "0m00s";
        }
        long first = firstFinishNanos;
        long last = lastFinishNanos;
        int ran = ranHere.get();
        if (ran < 2 || last <= first) {
            return "?";
        }
        double pace = (last - first) / 1e9 / (ran - 1);
        return formatDuration(pace * left);
    }

    static String formatDuration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, s % 3600 / 60) : String.format("%dm%02ds", s / 60, s % 60);
    }
}
