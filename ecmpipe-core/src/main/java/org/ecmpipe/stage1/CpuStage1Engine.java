package org.ecmpipe.stage1;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.ecmpipe.ecm.ChildProcesses;
import org.ecmpipe.ecm.EcmBinary;
import org.ecmpipe.ecm.EcmCommand;
import org.ecmpipe.ecm.EcmException;

/**
 * Stage 1 on CPU cores: {@code ecm -param P -save FILE -c N B1 0}, split over several processes when asked
 * (each runs its share of the curves into its own file; the files are then joined in order).
 */
public final class CpuStage1Engine implements Stage1Engine {
    /** Param 3 by default: the GPU's parametrization, so CPU and GPU residues are alike. */
    public static final int DEFAULT_PARAM = 3;

    private final EcmBinary ecm;
    private final int param;
    private final int processes;
    private final Stage1Process runner;
    private final org.ecmpipe.ecm.Sigma sigma;

    public CpuStage1Engine(EcmBinary ecm, ChildProcesses children, int param) {
        this(ecm, children, param, 1);
    }

    /** @param processes ecm processes to split each number's curves over */
    public CpuStage1Engine(EcmBinary ecm, ChildProcesses children, int param, int processes) {
        this(ecm, children, param, processes, null);
    }

    /**
     * @param sigma the one curve to run ({@code --sigma}, to reproduce a curve), or null for random curves
     */
    public CpuStage1Engine(EcmBinary ecm, ChildProcesses children, int param, int processes, org.ecmpipe.ecm.Sigma sigma) {
        if (param < 0 || param > 3) {
            throw new IllegalArgumentException("param must be 0..3");
        }
        if (processes < 1) {
            throw new IllegalArgumentException("processes must be at least 1");
        }
        this.ecm = ecm;
        this.param = param;
        this.processes = processes;
        this.runner = new Stage1Process(ecm, children);
        if (sigma != null && sigma.param() != param) {
            throw new IllegalArgumentException("sigma " + sigma + " is not a param-" + param + " curve");
        }
        this.sigma = sigma;
    }

    @Override
    public String name() {
        return "CPU stage-1";
    }

    @Override
    public int param() {
        return param;
    }

    @Override
    public Stage1Result run(Stage1Request request, Consumer<String> onLine) {
        int parts = Math.min(processes, request.curves());
        if (parts == 1 || request.alreadySaved() > 0) {
            return runOne(request, onLine);
        }
        if (Files.exists(request.residueFile())) {
            throw new EcmException("residue file " + request.residueFile() + " already exists: not overwriting saved work");
        }
        List<Stage1Request> shares = new ArrayList<>();
        for (int i = 0; i < parts; i++) {
            int curves = request.curves() / parts + (i < request.curves() % parts ? 1 : 0);
            Path file = request.residueFile().resolveSibling(request.residueFile().getFileName() + ".part" + i);
            shares.add(new Stage1Request(request.composite(), request.b1(), curves, file, request.timeout()));
        }
        List<Stage1Result> results = new ArrayList<>();
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        List<Future<Stage1Result>> futures = shares.stream().map(s -> pool.submit(() -> runOne(s, onLine))).toList();
        try {
            for (Future<Stage1Result> f : futures) {
                results.add(f.get());
            }
        } catch (InterruptedException e) {
            // a stop: interrupt every share (each ends its ecm at once) instead of waiting for them to finish
            futures.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw new EcmException("interrupted during stage 1", e);
        } catch (ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            throw new EcmException("stage 1 failed: " + e.getCause().getMessage(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return join(request, shares, results);
    }

    private Stage1Result runOne(Stage1Request request, Consumer<String> onLine) {
        return runner.run(request, EcmCommand.cpuStage1(ecm, param, request.curves() - request.alreadySaved(),
                request.residueFile(), request.b1(), sigma, request.alreadySaved() > 0), null, onLine);
    }

    /** One process saves curve by curve, so a stop leaves the finished curves in the file (several shares do not). */
    @Override
    public boolean savesCurveByCurve() {
        return processes == 1 && sigma == null;
    }

    /** One result from the shares: residue files joined in order, curves and factors added up. */
    private static Stage1Result join(Stage1Request request, List<Stage1Request> shares, List<Stage1Result> results) {
        Duration elapsed = results.stream().map(Stage1Result::elapsed).max(Duration::compareTo).orElse(Duration.ZERO);
        return Stage1Chunks.join(request.composite(), request.b1(), request.residueFile(), 0,
                shares.stream().map(Stage1Request::residueFile).toList(), results, elapsed);
    }
}
