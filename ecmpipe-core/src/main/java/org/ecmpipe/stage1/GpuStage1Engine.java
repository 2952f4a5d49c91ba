package org.ecmpipe.stage1;

import java.util.function.Consumer;
import org.ecmpipe.ecm.ChildProcesses;
import org.ecmpipe.ecm.EcmBinary;
import org.ecmpipe.ecm.EcmCommand;

/**
 * Stage 1 on one GPU: {@code ecm -gpu [-cgbn] [-gpudevice D] [-gpucurves N] -save FILE -c CURVES B1 0}.
 *
 * @see EcmCommand#gpuStage1
 */
public final class GpuStage1Engine implements Stage1Engine {
    private final EcmBinary ecm;
    private final Integer device;
    private final Integer gpuCurves;
    private final boolean cgbn;
    private final EcmStage1Run runner;

    /**
     * @param device CUDA device, or null for ecm's default
     * @param gpuCurves curves per batch, or null for ecm's default
     */
    public GpuStage1Engine(EcmBinary ecm, ChildProcesses children, Integer device, Integer gpuCurves, boolean cgbn) {
        this.ecm = ecm;
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
    public Stage1Result run(Stage1Request request, Consumer<String> onLine) {
        return runner.run(request,
                EcmCommand.gpuStage1(ecm, device, gpuCurves, cgbn, request.curves(), request.residueFile(), request.b1()), onLine);
    }
}
