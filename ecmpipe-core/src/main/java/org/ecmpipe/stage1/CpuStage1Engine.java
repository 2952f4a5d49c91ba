package org.ecmpipe.stage1;

import java.util.function.Consumer;
import org.ecmpipe.ecm.ChildProcesses;
import org.ecmpipe.ecm.EcmBinary;
import org.ecmpipe.ecm.EcmCommand;

/** Stage 1 on one CPU core: {@code ecm -param P -save FILE -c N B1 0}. */
public final class CpuStage1Engine implements Stage1Engine {
    /** Param 3 by default: the GPU's parametrization, so CPU and GPU residues are alike. */
    public static final int DEFAULT_PARAM = 3;

    private final EcmBinary ecm;
    private final int param;
    private final EcmStage1Run runner;

    public CpuStage1Engine(EcmBinary ecm, ChildProcesses children, int param) {
        if (param < 0 || param > 3) {
            throw new IllegalArgumentException("param must be 0..3");
        }
        this.ecm = ecm;
        this.param = param;
        this.runner = new EcmStage1Run(ecm, children);
    }

    @Override
    public String name() {
        return "CPU";
    }

    @Override
    public Stage1Result run(Stage1Request request, Consumer<String> onLine) {
        return runner.run(request, EcmCommand.cpuStage1(ecm, param, request.curves(), request.residueFile(), request.b1()), onLine);
    }
}
