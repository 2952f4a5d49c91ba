package org.ecmpipe.batch;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.ecmpipe.ecm.GpuDevices;
import org.ecmpipe.settings.Catalog;
import org.ecmpipe.settings.Settings;
import org.ecmpipe.settings.SettingsException;
import org.ecmpipe.submit.SubmitSettings;

/**
 * The validated settings of a batch run, typed. Made from the effective {@link Settings} by {@link #from}, which
 * refuses every bad value (and every bad combination) with a message naming where it was given.
 *
 * @param ecmPath the GMP-ECM executable, or null for {@code ecm} on PATH
 * @param b2 stage-2 bound; null for GMP-ECM's default (or chosen as the batch runs, {@code b2Auto}), 0 for stage 1
 *     only
 * @param curves curves per number as users count them: curves on a CPU, whole batches on a GPU
 * @param param the parametrization of CPU stage-1 curves (the GPU always makes param 3)
 * @param gpuDevices GPUs to run stage 1 on, one producer each; a single null for ecm's default device
 * @param gpuCurves curves per GPU batch, or null for ecm's default
 * @param cgbn pass {@code -cgbn} (GMP-ECM 7.0.5); null: on when the build has CGBN
 * @param resultsFile the results file, or null for the work dir's own
 * @param submission where results are submitted, or null for no submission
 * @param targetT run rounds of curves until each number reaches this t-level; null for one round
 * @param b1Given B1 was set (command line or config), not left to its default: with a target, B1 then stays fixed
 * @param curvesGiven the number of curves was set: with a target, each round runs that many
 * @param sigma the one CPU curve to run ({@code --sigma}, to reproduce a curve), or null for random curves
 * @param b2Min the lower end of a B2 range ({@code --b2 MIN-MAX}: stage 2 over (MIN, MAX] only), or null
 * @param maxMemoryMb ecm's {@code -maxmem} for stage 2 (MB per worker), or null
 * @param b2Auto {@code --b2 auto}: B2 chosen as the batch runs so that stage 2 takes as long as stage 1
 * @param fixedSplit with stage 1 on the CPU: {@code stage1Workers} processes for stage 1 and {@code stage2Workers}
 *     workers for stage 2, each on their own cores (as with a GPU), instead of all of them shared ({@link #sharedCores})
 * @param sizedTargets stage 1 on the CPU with none of B1, curves and target set: each number is worked to the
 *     t-level its size calls for ({@link #targetFor}) instead of one curve at the GPU's B1
 */
public record RunSettings(Path ecmPath, long b1, BigInteger b2, int curves, int param, boolean gpu,
                          List<Integer> gpuDevices, Integer gpuCurves, Boolean cgbn, int stage1Workers,
                          Duration stage1Timeout, int stage2Workers, Duration curveTimeout, boolean continueAfterFactor,
                          int progressInterval, Path workDir, Path resultsFile, int queueDepth, boolean keepResidues,
                          Submission submission, Double targetT, boolean b1Given, boolean curvesGiven,
                          boolean sizedTargets, boolean b2Auto, org.ecmpipe.ecm.Sigma sigma, Integer maxMemoryMb,
                          BigInteger b2Min, boolean fixedSplit) {

    /** Where and as whom results are submitted. */
    public record Submission(SubmitSettings target, String project) {

        /** From the settings, or null when submitting is turned off. */
        static Submission from(Settings s) {
            if (!s.flag(Catalog.SUBMIT)) {
                return null;
            }
            try {
                return new Submission(SubmitSettings.of(s.text(Catalog.ENDPOINT), s.text(Catalog.USERNAME),
                        s.text(Catalog.CPU_NAME)), s.text(Catalog.PROJECT));
            } catch (IllegalArgumentException e) {
                throw s.bad(Catalog.ENDPOINT, e.getMessage());
            }
        }
    }

    public RunSettings {
        gpuDevices = java.util.Collections.unmodifiableList(new ArrayList<>(gpuDevices)); // may hold null: ecm's default
    }

    public boolean stage2Enabled() {
        return b2 == null || b2.signum() > 0;
    }

    /**
     * The work-conserving CPU mode (the default with stage 1 on the CPU): {@code stage1Workers + stage2Workers} cores
     * shared by both stages, each idle core taking whatever work there is; 0 when each stage has its own (a GPU,
     * {@code --fixed-split}, or {@code --sigma}'s one curve).
     */
    public int sharedCores() {
        return gpu || fixedSplit || sigma != null ? 0 : stage1Workers + stage2Workers;
    }

    /**
     * @throws SettingsException naming the option or config line of the first bad value
     */
    public static RunSettings from(Settings s) {
        long b1 = s.number(Catalog.B1, 1, (1L << 53) - 1);
        boolean b1Given = given(s, Catalog.B1);
        boolean curvesGiven = given(s, Catalog.CURVES);
        Double targetT = targetT(s);
        boolean gpu = s.flag(Catalog.GPU);
        boolean b2Auto = "auto".equalsIgnoreCase(s.text(Catalog.B2) == null ? "" : s.text(Catalog.B2).strip());
        BigInteger[] range = b2Auto ? new BigInteger[] {null, null} : b2Range(s);
        BigInteger b2Min = range[0];
        BigInteger b2 = range[1];
        // with a target and no B1 given, each round's ladder B1 is checked against B2 when the round is planned
        boolean b1FromLadder = !b1Given && (targetT != null || (!gpu && !curvesGiven));
        if (!b1FromLadder && b2Min != null && b2Min.compareTo(BigInteger.valueOf(b1)) < 0) {
            throw s.bad(Catalog.B2, "a B2 range must start at B1=" + b1 + " or above, was " + b2Min);
        }
        if (!b1FromLadder && b2 != null && b2.signum() > 0 && b2.compareTo(BigInteger.valueOf(b1)) <= 0) {
            throw s.bad(Catalog.B2, "B2=" + b2 + " must be greater than B1=" + b1 + " (or 0 for stage 1 only)");
        }
        int stage1Workers = s.count(Catalog.STAGE1_WORKERS, 1);
        if (stage1Workers > 1 && gpu) {
            throw s.bad(Catalog.STAGE1_WORKERS, "needs --no-gpu (a GPU runs its batch in one process)");
        }
        if (gpu && s.flag(Catalog.FIXED_SPLIT)) {
            throw s.bad(Catalog.FIXED_SPLIT, "needs --no-gpu (with a GPU each stage has its own device anyway)");
        }
        int param = (int) s.number(Catalog.PARAM, 0, 3);
        if (gpu && param != 3 && given(s, Catalog.PARAM)) {
            throw s.bad(Catalog.PARAM, "the GPU makes param-3 curves only; use --no-gpu for param " + param);
        }
        Integer gpuCurves = s.text(Catalog.GPU_CURVES) == null ? null : s.count(Catalog.GPU_CURVES, 1);
        org.ecmpipe.ecm.Sigma sigma = sigma(s, gpu ? 3 : param);
        boolean sizedTargets = !gpu && sigma == null && targetT == null && !b1Given && !curvesGiven;
        return new RunSettings(s.path(Catalog.ECM_PATH), b1, b2, s.count(Catalog.CURVES, 1), gpu ? 3 : param, gpu,
                devices(s), gpuCurves, s.text(Catalog.CGBN) == null ? null : s.flag(Catalog.CGBN), stage1Workers,
                Duration.ofSeconds(s.number(Catalog.STAGE1_TIMEOUT, 1, Long.MAX_VALUE / 1_000_000_000L)),
                s.count(Catalog.STAGE2_WORKERS, 1),
                Duration.ofSeconds(s.number(Catalog.CURVE_TIMEOUT, 1, Long.MAX_VALUE / 1_000_000_000L)),
                s.flag(Catalog.CONTINUE_AFTER_FACTOR), s.count(Catalog.PROGRESS_INTERVAL, 0),
                s.path(Catalog.WORK_DIR), s.path(Catalog.RESULTS), s.count(Catalog.QUEUE_DEPTH, 1),
                s.flag(Catalog.KEEP_RESIDUES), Submission.from(s), targetT, b1Given, curvesGiven, sizedTargets, b2Auto,
                sigma, maxMemory(s), b2Min, s.flag(Catalog.FIXED_SPLIT));
    }

    /** Whether the setting was given (command line or config file), not left to its default. */
    private static boolean given(Settings s, org.ecmpipe.settings.SettingSpec spec) {
        return s.get(spec).origin() != org.ecmpipe.settings.Setting.Origin.DEFAULT;
    }

    /**
     * {@code --b2 N} or {@code --b2 MIN-MAX} (GMP-ECM's B2 range): {min or null, max or null}.
     */
    static BigInteger[] b2Range(Settings s) {
        String text = s.text(Catalog.B2);
        if (text == null || !text.strip().matches("[^-]+-[^-]+")) {
            return new BigInteger[] {null, s.bound(Catalog.B2)};
        }
        String[] parts = text.strip().split("-");
        BigInteger min;
        BigInteger max;
        try {
            min = org.ecmpipe.ecm.Bound.parse(parts[0]);
            max = org.ecmpipe.ecm.Bound.parse(parts[1]);
        } catch (IllegalArgumentException e) {
            throw s.bad(Catalog.B2, e.getMessage() + " (a B2 range is written MIN-MAX, e.g. 1e9-1e10)");
        }
        if (min.compareTo(max) >= 0) {
            throw s.bad(Catalog.B2, "a B2 range MIN-MAX needs MIN < MAX, was " + text);
        }
        return new BigInteger[] {min, max};
    }

    static Integer maxMemory(Settings s) {
        return s.text(Catalog.MAX_MEMORY) == null ? null : s.count(Catalog.MAX_MEMORY, 1);
    }

    /** {@code --sigma [P:]S}: one given CPU curve; its param is the run's when not written. */
    private static org.ecmpipe.ecm.Sigma sigma(Settings s, int param) {
        String text = s.text(Catalog.SIGMA);
        if (text == null) {
            return null;
        }
        org.ecmpipe.ecm.Sigma sigma;
        try {
            sigma = org.ecmpipe.ecm.Sigma.parse(text.contains(":") ? text : param + ":" + text.strip());
        } catch (NumberFormatException e) {
            throw s.bad(Catalog.SIGMA, "'" + text + "' is not a sigma (write e.g. 3:1234567 or 1234567)");
        }
        if (s.flag(Catalog.GPU)) {
            throw s.bad(Catalog.SIGMA, "reproduces one CPU curve: add --no-gpu");
        }
        if (sigma.param() != param) {
            throw s.bad(Catalog.SIGMA, "is a param-" + sigma.param() + " curve and this run makes param-" + param
                    + " curves: add --param " + sigma.param());
        }
        if (s.count(Catalog.CURVES, 1) != 1 || s.count(Catalog.STAGE1_WORKERS, 1) != 1) {
            throw s.bad(Catalog.SIGMA, "runs exactly one curve: use --curves 1 (and one stage-1 worker)");
        }
        if (s.text(Catalog.TARGET_T) != null) {
            throw s.bad(Catalog.SIGMA, "runs one given curve; --target-t runs as many as needed: use one of them");
        }
        return sigma;
    }

    /** Whether the run goes in rounds towards t-levels (a target given, or sized targets). */
    boolean towardsTargets() {
        return targetT != null || sizedTargets;
    }

    /**
     * The t-level a number is worked to: the target given, else 4/13 of its digits clamped to 20..85 (ecm-wrapper's
     * default target for a composite, about the effort worth spending before NFS).
     */
    double targetFor(java.math.BigInteger n) {
        if (targetT != null) {
            return targetT;
        }
        return Math.max(20, Math.min(85, n.toString().length() * 4.0 / 13));
    }

    /** These settings with another B1 and curve count (one round of a run to a target t-level). */
    RunSettings withRound(long roundB1, int roundCurves) {
        return new RunSettings(ecmPath, roundB1, b2, roundCurves, param, gpu, gpuDevices, gpuCurves, cgbn, stage1Workers,
                stage1Timeout, stage2Workers, curveTimeout, continueAfterFactor, progressInterval, workDir, resultsFile,
                queueDepth, keepResidues, submission, targetT, b1Given, curvesGiven, sizedTargets, b2Auto, sigma, maxMemoryMb, b2Min,
                fixedSplit);
    }

    private static Double targetT(Settings s) {
        String text = s.text(Catalog.TARGET_T);
        if (text == null) {
            return null;
        }
        double t;
        try {
            t = Double.parseDouble(text.strip().replaceFirst("^[tT]", ""));
        } catch (NumberFormatException e) {
            throw s.bad(Catalog.TARGET_T, "'" + text + "' is not a t-level (write e.g. 35 or t35)");
        }
        if (!(t >= 15 && t <= 85)) {
            throw s.bad(Catalog.TARGET_T, "must be between 15 and 85, was " + text);
        }
        return t;
    }

    private static List<Integer> devices(Settings s) {
        try {
            return GpuDevices.parse(s.text(Catalog.GPU_DEVICE));
        } catch (IllegalArgumentException e) {
            throw s.bad(Catalog.GPU_DEVICE, e.getMessage());
        }
    }
}
