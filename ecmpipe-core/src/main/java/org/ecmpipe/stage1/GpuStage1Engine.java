package org.ecmpipe.stage1;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.ecmpipe.ecm.ChildProcesses;
import org.ecmpipe.ecm.EcmBinary;
import org.ecmpipe.ecm.EcmCapabilities;
import org.ecmpipe.ecm.EcmCommand;
import org.ecmpipe.ecm.EcmException;
import org.ecmpipe.ecm.FoundFactor;

/**
 * Stage 1 on one GPU: {@code ecm -gpu [-cgbn] [-gpudevice D] [-gpucurves N] -save FILE -c CURVES B1 0}.
 *
 * @see EcmCommand#gpuStage1
 */
public final class GpuStage1Engine implements Stage1Engine {
    /** GMP-ECM rounds {@code -gpucurves} up to a multiple of this (ECM_GPU_CURVES_BY_BLOCK). */
    public static final int CURVES_BY_BLOCK = 32;

    private final EcmBinary ecm;
    private final ChildProcesses children;
    private final Integer device;
    private final Integer gpuCurves;
    private final boolean cgbn;
    private final Stage1Process runner;
    private final SigmaCheck sigmaCheck;
    private volatile Integer batchSize;

    /**
     * @param device CUDA device, or null for ecm's default
     * @param gpuCurves curves per batch, or null for ecm's default
     * @param cgbn pass {@code -cgbn} (GMP-ECM 7.0.5 with CGBN; see {@link EcmCapabilities#passCgbnFlag})
     */
    public GpuStage1Engine(EcmBinary ecm, ChildProcesses children, Integer device, Integer gpuCurves, boolean cgbn) {
        if (gpuCurves != null && gpuCurves < 1) {
            throw new IllegalArgumentException("GPU curves per batch must be positive");
        }
        this.ecm = ecm;
        this.children = children;
        this.device = device;
        this.gpuCurves = gpuCurves;
        this.cgbn = cgbn;
        this.runner = new Stage1Process(ecm, children);
        this.sigmaCheck = new SigmaCheck(ecm, children);
    }

    @Override
    public String name() {
        return device == null ? "GPU" : "GPU " + device;
    }

    @Override
    public String device() {
        return device == null ? "gpu" : "gpu:" + device;
    }

    @Override
    public int param() {
        return 3;
    }

    @Override
    public int curvesFor(int units) {
        Integer batch = batchSize;
        if (batch == null) {
            batch = batchSize();
            batchSize = batch;
        }
        return Math.multiplyExact(units, batch);
    }

    /**
     * Curves per GPU batch: the requested {@code -gpucurves} rounded up as ecm does, or, when none was requested,
     * ecm's own choice for this card, read from a tiny stage-1 run (B1=100, a few seconds at most).
     */
    public int batchSize() {
        if (gpuCurves != null) {
            return (gpuCurves + CURVES_BY_BLOCK - 1) / CURVES_BY_BLOCK * CURVES_BY_BLOCK;
        }
        return new EcmCapabilities(ecm, cgbn, List.of()).defaultBatchSize(children, device, cgbn);
    }

    /**
     * Runs stage 1 on the GPU, then checks each stage-1 factor's sigma with one CPU curve ({@link SigmaCheck}). A
     * factor whose sigma does not reproduce it is kept (it divides N: that is checked by whoever records it) but
     * with a null sigma, and the result carries a warning saying so.
     *
     * @throws EcmException when GMP-ECM 7.0.5's CGBN kernel would give wrong results for this B1
     */
    @Override
    public Stage1Result run(Stage1Request request, Consumer<String> onLine) {
        if (ecm.needsCgbnFlag() && cgbn && request.b1() >= EcmCapabilities.CGBN_705_MAX_B1) {
            throw new EcmException(new EcmCapabilities(ecm, true, List.of()).gpuRefusal(request.b1(), null, true));
        }
        Stage1Result result = runner.run(request,
                EcmCommand.gpuStage1(ecm, device, gpuCurves, cgbn, request.curves(), request.residueFile(), request.b1()),
                device == null ? -1 : device, onLine);
        if (result.failed() || result.factors().isEmpty()) {
            return result;
        }
        List<FoundFactor> checked = new ArrayList<>();
        List<String> warnings = new ArrayList<>(result.warnings());
        for (FoundFactor f : result.factors()) {
            String failure = f.sigma() == null ? "no curve was tied to it"
                    : sigmaCheck.check(request.composite(), request.b1(), f.sigma(), f.factor(), request.timeout());
            if (failure == null) {
                checked.add(f);
            } else {
                warnings.add("GPU stage-1 factor " + f.factor() + " is kept without a sigma: the reported sigma "
                        + f.sigma() + " does not reproduce it (" + failure + ")");
                checked.add(new FoundFactor(f.factor(), f.step(), null));
            }
        }
        return new Stage1Result(result.composite(), result.b1(), result.curves(), result.residueFile(), checked,
                result.elapsed(), result.exitCode(), result.ecmVersion(), result.error(), result.device(),
                result.residues(), result.cofactor(), result.cofactorPrime(), result.inputNumberFound(), warnings);
    }
}
