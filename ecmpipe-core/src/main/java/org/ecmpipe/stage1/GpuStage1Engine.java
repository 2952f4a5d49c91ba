package org.ecmpipe.stage1;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.ecmpipe.ecm.ChildProcesses;
import org.ecmpipe.ecm.EcmBinary;
import org.ecmpipe.ecm.EcmCommand;
import org.ecmpipe.ecm.EcmException;
import org.ecmpipe.ecm.EcmLine;
import org.ecmpipe.ecm.EcmOutputParser;
import org.ecmpipe.ecm.ProcessRun;

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
    private final EcmStage1Run runner;
    private volatile Integer batchSize;

    /**
     * @param device CUDA device, or null for ecm's default
     * @param gpuCurves curves per batch, or null for ecm's default
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
        this.runner = new EcmStage1Run(ecm, children);
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
        List<String> command = new java.util.ArrayList<>(
                EcmCommand.gpuStage1(ecm, device, null, cgbn, 1, null, 100));
        EcmOutputParser parser = new EcmOutputParser();
        ProcessRun run = ProcessRun.run(children, command, "1000000016000000063\n", Duration.ofMinutes(5), l -> { });
        return run.stdout().stream().map(parser::parse).filter(EcmLine.Using.class::isInstance)
                .map(l -> ((EcmLine.Using) l).curves()).findFirst()
                .orElseThrow(() -> new EcmException("cannot read the GPU batch size from " + ecm.path() + " (exit code "
                        + run.exitCode() + (run.stderr().isEmpty() ? "" : ": " + run.stderrTail()) + ")"));
    }

    @Override
    public Stage1Result run(Stage1Request request, Consumer<String> onLine) {
        return runner.run(request,
                EcmCommand.gpuStage1(ecm, device, gpuCurves, cgbn, request.curves(), request.residueFile(), request.b1()), onLine);
    }
}
