package org.ecmpipe.ecm;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What an {@code ecm} executable can do for GPU stage 1, and which known GMP-ECM defects hit a chosen set of options.
 * Built once at start ({@link #probe}); {@link #summaryLine()} is the one-line capability summary that
 * {@code ecmpipe run} and {@code ecmpipe doctor} print.
 *
 * <p>Facts from GMP-ECM's source ({@code main.c}, {@code cgbn_stage1.cu} of 7.0.5 {@code d766a149}, 7.0.6
 * {@code 0befa9a3}, master {@code d5a34f54}):
 * <ul>
 * <li>{@code -printconfig} says {@code WITH_GPU = 1} for a GPU build but says nothing of CGBN in any version. On 7.0.5
 * a CGBN build is recognised by its help text, which lists {@code -cgbn} only when built with CGBN
 * ({@code #if HAVE_CGBN_H} around the usage line). From 7.0.6 every GPU build is CGBN (the old kernel was removed,
 * commits 8c624c07 and 6266f80c) and {@code -cgbn} is a synonym of {@code -gpu}.</li>
 * <li>7.0.5 runs the old CUDA kernel unless {@code -cgbn} is given: slower, limited to N &lt; 2^1018, and it spins a
 * CPU core (cudaDeviceScheduleYield). So on a 7.0.5 CGBN build {@code -cgbn} is passed by default.</li>
 * <li>7.0.5's CGBN kernel indexes the stage-1 exponent s with a 32-bit {@code int}; s has about B1/ln 2 bits, so from
 * s &ge; 2^31 bits (B1 &asymp; 1.4885e9) its results are wrong. Fixed by commit 4a60b113 ("Fix uint32_t overflow for
 * B1 &gt; 2^32 in GPU code", 2022-07-24), released in 7.0.6. ecmpipe refuses that combination (see
 * {@link #CGBN_705_MAX_B1}) rather than fall back to the old kernel, which would take days at such a B1 and needs
 * N &lt; 2^1018.</li>
 * </ul>
 *
 * @param cgbn the build has the CGBN kernel
 * @param defaultBatches ecm's default curves per batch, per device probed (device -1: ecm's default device); empty
 *     when not probed
 */
public record EcmCapabilities(EcmBinary ecm, boolean cgbn, List<DeviceBatch> defaultBatches) {

    /**
     * 7.0.5 with CGBN is refused from this B1 on. s has ψ(B1)/ln 2 bits (ψ: Chebyshev's function, ψ(x) &asymp; x),
     * so s reaches 2^31 bits at B1 &asymp; 2^31 ln 2 = 1,488,522,235; the limit keeps a margin of about 5e5 for
     * ψ(B1) &ne; B1.
     */
    public static final long CGBN_705_MAX_B1 = 1_488_000_000L;
    /** The old 7.0.5 kernel's limit: N must be below 2^1018. */
    public static final int OLD_KERNEL_MAX_BITS = 1017;
    private static final Duration PROBE_TIMEOUT = Duration.ofMinutes(5);
    /** A small composite for the batch-size probe (B1=100 finds nothing in it). */
    private static final String PROBE_NUMBER = "1000000016000000063";

    /** ecm's default GPU batch on one device, as its banner {@code (n curves)} says. */
    public record DeviceBatch(int device, int curves) {
    }

    public EcmCapabilities {
        Objects.requireNonNull(ecm, "ecm");
        defaultBatches = List.copyOf(defaultBatches);
    }

    /**
     * Learns whether the build has CGBN: {@code ecm -h} on 7.0.5 and older (the {@code -cgbn} line of the help), any
     * GPU build from 7.0.6 on. Does not probe batch sizes (that needs the GPU: see {@link #withDefaultBatches}).
     */
    public static EcmCapabilities probe(EcmBinary ecm, ChildProcesses children) {
        boolean cgbn = false;
        if (ecm.gpu()) {
            if (ecm.needsCgbnFlag()) {
                CompletedProcess help = CompletedProcess.run(children, List.of(ecm.path().toString(), "-h"), "", PROBE_TIMEOUT, l -> { });
                cgbn = help.stdout().stream().anyMatch(l -> l.strip().startsWith("-cgbn "));
            } else {
                cgbn = true;
            }
        }
        return new EcmCapabilities(ecm, cgbn, List.of());
    }

    /** These capabilities plus ecm's default batch size on each device (one tiny GPU run per device). */
    public EcmCapabilities withDefaultBatches(ChildProcesses children, List<Integer> devices) {
        List<DeviceBatch> batches = new ArrayList<>();
        for (Integer d : devices) {
            batches.add(new DeviceBatch(d == null ? -1 : d, defaultBatchSize(children, d, passCgbnFlag(null))));
        }
        return new EcmCapabilities(ecm, cgbn, batches);
    }

    /**
     * ecm's own choice of curves per batch on a device (2 x multiprocessors x 32, {@code cudacommon.cu}
     * select_and_init_GPU), read from the banner of {@code ecm -gpu [-gpudevice D] -c 1 100 0} and cross-checked with
     * its {@code Computing n Step 1 took} line.
     *
     * @param device null for ecm's default device
     * @throws EcmException when ecm does not run or its output does not say
     */
    public int defaultBatchSize(ChildProcesses children, Integer device, boolean cgbnFlag) {
        List<String> command = EcmCommand.gpuStage1(ecm, device, null, cgbnFlag, 1, null, 100);
        CompletedProcess run = CompletedProcess.run(children, command, PROBE_NUMBER + "\n", PROBE_TIMEOUT, l -> { });
        EcmOutputParser parser = new EcmOutputParser();
        Integer banner = null;
        Integer computed = null;
        for (String line : run.stdout()) {
            EcmLine parsed = parser.parse(line);
            if (parsed instanceof EcmLine.Using u && banner == null) {
                banner = u.curves();
            } else if (parsed instanceof EcmLine.GpuStep1Took t && computed == null) {
                computed = t.curves();
            }
        }
        if (banner == null || computed == null || !banner.equals(computed) || new EcmExit(run.exitCode()).isError()) {
            throw new EcmException("cannot read the GPU batch size from `" + String.join(" ", command) + "` (exit code "
                    + run.exitCode() + ", banner says " + banner + " curves, timing line says " + computed
                    + (run.stderr().isEmpty() ? "" : ": " + run.stderrTail()) + ")");
        }
        return banner;
    }

    /** GMP-ECM 7.0.5 (or older): GPU stage 1 needs {@code -cgbn} for the CGBN kernel and has the large-B1 defect. */
    public boolean is705() {
        return ecm.needsCgbnFlag();
    }

    /**
     * Whether to pass {@code -cgbn}. Only 7.0.5 needs it; there it is on by default when the build has CGBN.
     *
     * @param requested the user's choice ({@code --cgbn} / config {@code gpu.cgbn}), or null for the default
     * @throws EcmException when CGBN is requested from a build without it
     */
    public boolean passCgbnFlag(Boolean requested) {
        if (!is705()) {
            return false; // 7.0.6+: -gpu is CGBN; -cgbn is a synonym
        }
        if (Boolean.TRUE.equals(requested) && !cgbn) {
            throw new EcmException(ecm.path() + " (GMP-ECM " + ecm.version() + ") was built without CGBN (its -h does not"
                    + " list -cgbn): rebuild it with --with-cgbn-include, or do not ask for CGBN");
        }
        return requested == null ? cgbn : requested && cgbn;
    }

    /** The GPU kernel stage 1 runs with, given the {@code -cgbn} choice. */
    public String kernel(boolean cgbnFlag) {
        if (!ecm.gpu()) {
            return "none (not a GPU build)";
        }
        return !is705() || cgbnFlag ? "CGBN" : "old CUDA kernel (N < 2^1018)";
    }

    /**
     * Why GPU stage 1 must not run with these options on this ecm, or null when it may.
     *
     * @param n the number, or null to check only what does not depend on it
     */
    public String gpuRefusal(long b1, BigInteger n, boolean cgbnFlag) {
        if (!ecm.gpu()) {
            return ecm.path() + " (GMP-ECM " + ecm.version() + ") is not a GPU build (configured with "
                    + ecm.configuredWith() + ")";
        }
        if (is705() && cgbnFlag && b1 >= CGBN_705_MAX_B1) {
            return "GMP-ECM " + ecm.version() + "'s CGBN kernel gives wrong stage-1 results for B1 >= "
                    + CGBN_705_MAX_B1 + " (B1=" + b1 + "): its 32-bit index overflows once the stage-1 exponent has 2^31"
                    + " bits. Fixed by GMP-ECM commit 4a60b113 (\"Fix uint32_t overflow for B1 > 2^32 in GPU code\"),"
                    + " released in 7.0.6: upgrade to 7.0.6 or later, or use a smaller B1";
        }
        if (is705() && !cgbnFlag && n != null && n.bitLength() > OLD_KERNEL_MAX_BITS) {
            return "GMP-ECM " + ecm.version() + "'s old GPU kernel needs N < 2^1018 (N has " + n.bitLength()
                    + " bits): use a CGBN build";
        }
        return null;
    }

    /**
     * Known GMP-ECM defects that touch the chosen options, as notes (not refusals).
     *
     * @param cpuParam the parametrization of a CPU stage 1, or null when stage 1 runs on the GPU
     */
    public List<String> notes(Integer cpuParam) {
        List<String> notes = new ArrayList<>();
        if (cpuParam != null && (cpuParam == 1 || cpuParam == 2)) {
            notes.add("CPU stage 1 with param " + cpuParam + ": GMP-ECM 7.0.5 to current master save such curves without"
                    + " PARAM= when -param is not given and resume them as param 0 (no factor found); ecmpipe always"
                    + " passes -param, so its own residues carry PARAM=" + cpuParam + ".");
        }
        notes.add("residue files written by `ecm -save` without -param (GMP-ECM 7.0.5 to current master) lack PARAM= for"
                + " their param-1 curves; `ecmpipe stage2` adds PARAM=1 to such lines.");
        if (ecm.gpu() && is705()) {
            notes.add("GMP-ECM " + ecm.version() + " prints sigmas >= 2^31 of `GPU: factor` lines as negative numbers"
                    + " (fixed by 88e9b327 in 7.0.6); ecmpipe corrects them.");
        }
        return notes;
    }

    /** One line: version, path, GPU support, kernel, default batch sizes if probed, stdbuf. */
    public String summaryLine() {
        StringBuilder s = new StringBuilder("GMP-ECM ").append(ecm.version()).append(" at ").append(ecm.path()).append(": ");
        if (!ecm.gpu()) {
            s.append("CPU only (no --enable-gpu)");
        } else if (!is705()) {
            s.append("GPU build, CGBN kernel");
        } else if (cgbn) {
            s.append("GPU build with CGBN; -cgbn passed by default (7.0.5 runs its old kernel without it)");
        } else {
            s.append("GPU build without CGBN: old CUDA kernel (N < 2^1018, spins a CPU core)");
        }
        if (!defaultBatches.isEmpty()) {
            s.append("; default GPU batch ").append(String.join(", ", defaultBatches.stream()
                    .map(b -> (b.device() < 0 ? "default device" : "device " + b.device()) + ": " + b.curves() + " curves")
                    .toList()));
        }
        s.append("; stdbuf ").append(ecm.stdbuf() == null ? "missing (stage 2 starts one ecm per curve)" : ecm.stdbuf());
        return s.toString();
    }
}
