package org.ecmpipe.stage1;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.ecmpipe.ecm.EcmLine;
import org.ecmpipe.ecm.FoundFactor;
import org.ecmpipe.ecm.Sigma;

/**
 * Follows the output of one stage-1 ecm run, CPU or GPU, line by line: counts curves, ties each reported factor to
 * the curve that found it, and cross-checks what the lines say about each other. On a GPU a batch is a banner
 * {@code Using B1=..., sigma=3:S-[3:]E (n curves)}, then one {@code GPU: factor F found in Step 1 with curve K (-sigma
 * 3:S+K)} line per curve that hit, then {@code Computing n Step 1 took ...}, then ecm's reduced factors
 * ({@code ********** Factor found in step 1: X}, one per pairwise-coprime part of the hits). A reduced factor's
 * sigma is the first curve of its batch whose hit it divides. Any disagreement (batch sizes, a curve index outside
 * the batch, a sigma that is not first + K, a factor no curve found) is recorded as a problem naming the lines: a
 * run whose output does not add up is failed, never guessed at.
 */
final class Stage1Transcript {
    private record Hit(BigInteger factor, Sigma sigma) {
    }

    private int curves;
    private boolean gpu;
    private Sigma cpuSigma;
    private EcmLine.Using batch;
    private String batchLine;
    private boolean batchComputed;
    private final List<Hit> hits = new ArrayList<>();
    /** Every GPU hit of the run, in the order ecm printed them ({@link #hits} is the current batch's). */
    private final List<Hit> allHits = new ArrayList<>();
    private final List<FoundFactor> factors = new ArrayList<>();
    private boolean inputNumberFound;
    private String problem;

    void accept(String text, EcmLine line) {
        switch (line) {
            case EcmLine.Using using when using.curves() > 1 -> {
                if (batch != null && !batchComputed) {
                    problem("the GPU banner `" + text + "` follows the banner `" + batchLine
                            + "` without a `Computing n Step 1 took` line in between");
                }
                gpu = true;
                batch = using;
                batchLine = text;
                batchComputed = false;
                hits.clear();
            }
            case EcmLine.Using using -> cpuSigma = using.sigma();
            case EcmLine.StepTook took when took.step() == 1 && !gpu -> curves++;
            case EcmLine.GpuFactor hit when hit.step() == 1 -> gpuHit(text, hit);
            case EcmLine.GpuStep1Took took -> {
                if (batch == null || batchComputed) {
                    problem("`" + text + "` is not preceded by a GPU banner `Using B1=..., sigma=3:S-E (n curves)`");
                } else if (took.curves() != batch.curves()) {
                    problem("the GPU banner `" + batchLine + "` announces " + batch.curves() + " curves but `" + text
                            + "` computed " + took.curves());
                }
                gpu = true;
                batchComputed = true;
                curves += took.curves();
            }
            case EcmLine.FactorFound found when found.step() == 1 -> factors.add(new FoundFactor(found.factor(), 1,
                    gpu ? sigmaOfHit(text, found.factor()) : cpuSigma));
            case EcmLine.FoundInputNumber input -> inputNumberFound = true;
            case EcmLine.Unexpected unexpected -> problem("`" + text + "`: " + unexpected.problem());
            default -> { }
        }
    }

    private void gpuHit(String text, EcmLine.GpuFactor hit) {
        if (batch == null || batchComputed) {
            problem("`" + text + "` is not inside a GPU batch (no banner `Using B1=..., sigma=3:S-E (n curves)` before it)");
            return;
        }
        if (hit.curveIndex() < 0 || hit.curveIndex() >= batch.curves()) {
            problem("`" + text + "` names curve " + hit.curveIndex() + " but the banner `" + batchLine + "` has curves 0 to "
                    + (batch.curves() - 1));
            return;
        }
        // curve K of a batch has sigma first + K (cudawrapper.c, cgbn_stage1.cu): that is the curve's true sigma
        Sigma trueSigma = new Sigma(batch.sigma().param(), batch.sigma().value().add(BigInteger.valueOf(hit.curveIndex())));
        if (!trueSigma.equals(hit.sigma())) {
            problem("`" + text + "` says sigma " + hit.sigma() + " but curve " + hit.curveIndex() + " of the batch `"
                    + batchLine + "` is sigma " + trueSigma);
        }
        hits.add(new Hit(hit.factor(), trueSigma));
        allHits.add(new Hit(hit.factor(), trueSigma));
    }

    private Sigma sigmaOfHit(String text, BigInteger factor) {
        for (Hit h : hits) {
            if (factor.signum() > 0 && h.factor().mod(factor).signum() == 0) {
                return h.sigma();
            }
        }
        problem("`" + text + "` reports a factor that no `GPU: factor ... found in Step 1` line of its batch contains");
        return null;
    }

    private void problem(String text) {
        if (problem == null) {
            problem = text;
        }
    }

    int curves() {
        return curves;
    }

    List<FoundFactor> factors() {
        return List.copyOf(factors);
    }

    /**
     * The GPU curves whose hit contains all of {@code v}, in the order ecm printed them, each once: every one of them
     * finds {@code v} at this B1, so each is a candidate for splitting a composite {@code v}. Empty on the CPU.
     */
    List<Sigma> curvesFinding(BigInteger v) {
        return allHits.stream().filter(h -> v.signum() > 0 && h.factor().mod(v).signum() == 0).map(Hit::sigma)
                .distinct().toList();
    }

    boolean inputNumberFound() {
        return inputNumberFound;
    }

    /** The first inconsistency in the output, or null. */
    String problem() {
        if (problem == null && gpu && batch != null && !batchComputed) {
            return "the GPU banner `" + batchLine + "` has no `Computing " + batch.curves() + " Step 1 took` line after it";
        }
        return problem;
    }
}
