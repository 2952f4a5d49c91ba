package org.ecmpipe.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.ecmpipe.ecm.ChildProcesses;
import org.ecmpipe.ecm.EcmBinary;
import org.ecmpipe.ecm.EcmCapabilities;
import org.ecmpipe.ecm.EcmException;
import org.ecmpipe.ecm.EcmLocator;
import org.ecmpipe.ecm.GpuDevices;
import org.ecmpipe.settings.Catalog;
import org.ecmpipe.settings.Settings;
import org.ecmpipe.submit.SubmitSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ecmpipe doctor}: checks what {@code ecmpipe run} with the same options needs, and says what is missing or
 * known to be broken, one line per item.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Check the ecm executable (version, GPU support, CGBN, default GPU batch size per device), stdbuf,"
                + " the JDK and the results server for the options given (the same as for `ecmpipe run`), and name"
                + " known GMP-ECM defects that touch them. Runs one tiny GPU stage 1 (B1=100) per device to read ecm's"
                + " default batch size.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:everything the chosen options need is there (warnings may remain)",
                "2:something they need is missing or known to give wrong results (lines marked MISSING or BAD)"})
public final class DoctorCommand implements Callable<Integer> {
    /** How long the results server's health check may take. */
    static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(5);

    @Spec
    private CommandSpec spec;

    @Option(names = "--ecm", paramLabel = "PATH", description = "The GMP-ECM executable. Default: ecm on PATH.")
    String ecmPath;
    @Mixin
    ConfigOptions config;
    @Option(names = "--no-gpu", description = "Stage 1 will run on the CPU: a GPU build is not needed.")
    boolean noGpuOption;
    @Option(names = "--gpu-device", paramLabel = "N[,N...]", description = "GPU(s) to check. Default: ecm's default.")
    String gpuDevice;
    @Option(names = "--cgbn", description = "CGBN is required (GMP-ECM 7.0.5). Default: use it when the build has it.")
    boolean cgbn;
    @Option(names = "--b1", paramLabel = "N", description = "Stage-1 bound to check against known defects. Default: ${DEFAULT-VALUE}.")
    String b1Text;
    @Option(names = "--param", paramLabel = "P", description = "Parametrization of CPU stage-1 curves. Default: ${DEFAULT-VALUE}.")
    String param;
    @Option(names = "--api-endpoint", paramLabel = "URL", description = "Results server API. Default: ${DEFAULT-VALUE}.")
    String apiEndpoint;
    @Option(names = "--no-submit", description = "Results will not be submitted: do not check the results server.")
    boolean noSubmitOption;

    private boolean noGpu;
    private boolean noSubmit;

    private PrintWriter out;
    private boolean missing;

    @Override
    public Integer call() {
        Settings settings = CommandSettings.resolve(spec, Catalog.DOCTOR, config.file);
        out = spec.commandLine().getOut();
        if (config.print) {
            settings.print(out);
            return ExitCodes.OK;
        }
        noGpu = !settings.flag(Catalog.GPU);
        noSubmit = !settings.flag(Catalog.SUBMIT);
        long b1 = settings.number(Catalog.B1, 1, (1L << 53) - 1);
        int cpuParam = (int) settings.number(Catalog.PARAM, 0, 3);
        List<Integer> devices;
        try {
            devices = GpuDevices.parse(settings.text(Catalog.GPU_DEVICE));
        } catch (IllegalArgumentException e) {
            throw settings.bad(Catalog.GPU_DEVICE, e.getMessage());
        }
        Boolean wantCgbn = settings.text(Catalog.CGBN) == null ? null : settings.flag(Catalog.CGBN);
        try (ChildProcesses children = new ChildProcesses()) {
            EcmBinary ecm = ecm(settings.path(Catalog.ECM_PATH), children);
            if (ecm != null) {
                checkEcm(ecm, children, devices, wantCgbn, b1, cpuParam);
            }
        }
        String java = Runtime.version().feature() >= 21 ? "ok" : "BAD";
        missing |= java.equals("BAD");
        line(java, "JDK", Runtime.version() + " (" + System.getProperty("java.vendor") + ") at " + System.getProperty("java.home")
                + (java.equals("ok") ? "" : ": ecmpipe needs 21 or newer"));
        checkResultsServer(settings);
        out.flush();
        return missing ? ExitCodes.USAGE : ExitCodes.OK;
    }

    private EcmBinary ecm(Path path, ChildProcesses children) {
        try {
            EcmBinary ecm = EcmBinary.probe(EcmLocator.locate(path, null), children);
            line("ok", "ecm", ecm.path() + ": GMP-ECM " + ecm.version() + " (configured with " + ecm.configuredWith() + ")");
            return ecm;
        } catch (EcmException e) {
            missing = true;
            line("MISSING", "ecm", e.getMessage());
            return null;
        }
    }

    private void checkEcm(EcmBinary ecm, ChildProcesses children, List<Integer> devices, Boolean wantCgbn, long b1,
                          int cpuParam) {
        EcmCapabilities caps = EcmCapabilities.probe(ecm, children);
        boolean gpuNeeded = !noGpu;
        if (ecm.gpu()) {
            line("ok", "GPU", "built with --enable-gpu (-printconfig: WITH_GPU = 1)");
        } else {
            missing |= gpuNeeded;
            line(gpuNeeded ? "MISSING" : "note", "GPU", "not a GPU build (configured with " + ecm.configuredWith() + ")"
                    + (gpuNeeded ? ": build GMP-ECM with --enable-gpu, or run stage 1 on the CPU with --no-gpu" : ""));
        }
        boolean cgbnFlag = false;
        if (ecm.gpu()) {
            try {
                cgbnFlag = caps.passCgbnFlag(wantCgbn);
                String how = !caps.is705() ? "always (GMP-ECM 7.0.6 and later: -gpu is CGBN)"
                        : cgbnFlag ? "yes: -cgbn is passed (7.0.5 runs its old kernel without it)"
                        : caps.cgbn() ? "available but not used (--cgbn false): old CUDA kernel, N < 2^1018"
                        : "no (7.0.5 built without --with-cgbn-include): old CUDA kernel, N < 2^1018, spins a CPU core";
                line("ok", "CGBN", how);
            } catch (EcmException e) {
                missing |= gpuNeeded;
                line(gpuNeeded ? "MISSING" : "note", "CGBN", e.getMessage());
            }
        }
        if (ecm.gpu() && gpuNeeded) {
            try {
                caps = caps.withDefaultBatches(children, devices);
                caps.defaultBatches().forEach(d -> line("ok", "GPU batch", (d.device() < 0 ? "default device" : "device "
                        + d.device()) + ": " + d.curves() + " curves per batch (ecm's default; --gpu-curves overrides)"));
            } catch (EcmException e) {
                missing = true;
                line("MISSING", "GPU batch", e.getMessage());
            }
            String refusal = caps.gpuRefusal(b1, null, cgbnFlag);
            if (refusal != null) {
                missing = true;
                line("BAD", "B1", refusal);
            }
        }
        line(ecm.stdbuf() != null ? "ok" : "warn", "stdbuf", ecm.stdbuf() != null ? ecm.stdbuf().toString()
                : "missing (coreutils): stage 2 starts one ecm per curve instead of long-running workers");
        caps.notes(noGpu ? cpuParam : null).forEach(n -> line("note", "known", n));
        line("ok", "summary", caps.summaryLine());
    }

    private void checkResultsServer(Settings settings) {
        if (noSubmit) {
            line("ok", "results", "not checked (--no-submit)");
            return;
        }
        URI health;
        try {
            health = healthUri(SubmitSettings.of(settings.text(Catalog.ENDPOINT), settings.text(Catalog.USERNAME),
                    settings.text(Catalog.CPU_NAME)).endpoint());
        } catch (IllegalArgumentException e) {
            missing = true;
            line("BAD", "results", e.getMessage());
            return;
        }
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(HEALTH_TIMEOUT).build()) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(health).timeout(HEALTH_TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            boolean up = response.statusCode() == 200;
            line(up ? "ok" : "warn", "results", "GET " + health + ": " + response.statusCode()
                    + (up ? "" : " (results will wait in WORK_DIR/outbox until it answers)"));
        } catch (IOException e) {
            line("warn", "results", "GET " + health + ": unreachable (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); results will wait in WORK_DIR/outbox");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            line("warn", "results", "GET " + health + ": interrupted");
        }
    }

    /** {@code http://host:8000/api/v1} to {@code http://host:8000/health}. */
    static URI healthUri(URI endpoint) {
        String base = endpoint.toString().replaceAll("/+$", "");
        if (base.endsWith("/api/v1")) {
            base = base.substring(0, base.length() - "/api/v1".length());
        }
        return URI.create(base + "/health");
    }

    private void line(String status, String item, String text) {
        out.printf("%-8s %-10s %s%n", status, item, text);
    }
}
