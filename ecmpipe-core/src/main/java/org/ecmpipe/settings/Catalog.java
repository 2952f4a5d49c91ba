package org.ecmpipe.settings;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Every setting ecmpipe knows: its config key, its command-line option and its default. The config file may set
 * any of them; each command uses its own list.
 */
public final class Catalog {
    public static final SettingSpec ECM_PATH = new SettingSpec("ecm.path", "--ecm", null, "ecm on PATH");
    public static final SettingSpec B1 = new SettingSpec("ecm.b1", "--b1", "160000000", null);
    public static final SettingSpec B2 = new SettingSpec("ecm.b2", "--b2", null, "GMP-ECM's default for B1 ('auto': stage 2 as long as stage 1)");
    public static final SettingSpec CURVES = new SettingSpec("ecm.curves", "--curves", "1", null);
    public static final SettingSpec PARAM = new SettingSpec("ecm.param", "--param", "3", null);
    public static final SettingSpec SIGMA = new SettingSpec("ecm.sigma", "--sigma", null, "random curves");
    public static final SettingSpec TARGET_T = new SettingSpec("ecm.target_t", "--target-t", null,
            "none: one round of --curves at --b1");
    public static final SettingSpec GPU = new SettingSpec("gpu.enabled", "--no-gpu", "true", null);
    public static final SettingSpec GPU_DEVICE = new SettingSpec("gpu.device", "--gpu-device", null, "ecm's default device");
    public static final SettingSpec GPU_CURVES = new SettingSpec("gpu.curves", "--gpu-curves", null, "ecm's default (read from ecm at start)");
    public static final SettingSpec CGBN = new SettingSpec("gpu.cgbn", "--cgbn", null,
            "on for a GMP-ECM 7.0.5 built with CGBN (later versions always use it)");
    public static final SettingSpec STAGE1_WORKERS = new SettingSpec("stage1.workers", "--stage1-workers", "1", null);
    public static final SettingSpec FIXED_SPLIT = new SettingSpec("stage1.fixed_split", "--fixed-split", "false", null);
    public static final SettingSpec STAGE1_TIMEOUT = new SettingSpec("stage1.timeout", "--stage1-timeout", "604800", null);
    public static final SettingSpec STAGE2_WORKERS = new SettingSpec("stage2.workers", "--stage2-workers", "4", null);
    public static final SettingSpec CURVE_TIMEOUT = new SettingSpec("stage2.curve_timeout", "--curve-timeout", "86400", null);
    public static final SettingSpec MAX_MEMORY = new SettingSpec("stage2.maxmem", "--maxmem", null,
            "no limit (ecm's own plan)");
    public static final SettingSpec CONTINUE_AFTER_FACTOR =
            new SettingSpec("stage2.continue_after_factor", "--continue-after-factor", "false", null);
    public static final SettingSpec PROGRESS_INTERVAL = new SettingSpec("stage2.progress_interval", "--progress-interval", "0", null);
    public static final SettingSpec NUMBERS_FILE = new SettingSpec("run.numbers_file", "--numbers-file", "data/numbers.txt", null);
    public static final SettingSpec WORK_DIR = new SettingSpec("run.work_dir", "--work-dir", "ecmpipe-work", null);
    public static final SettingSpec RESULTS = new SettingSpec("run.results", "--results", null, "WORK_DIR/results.jsonl");
    public static final SettingSpec QUEUE_DEPTH = new SettingSpec("run.queue_depth", "--queue-depth", "1", null);
    public static final SettingSpec KEEP_RESIDUES = new SettingSpec("run.keep_residues", "--keep-residues", "false", null);
    public static final SettingSpec MAX_DIGITS = new SettingSpec("run.max_digits", "--max-digits", "10000", null);
    public static final SettingSpec SKIP_INVALID = new SettingSpec("run.skip_invalid", "--skip-invalid", "false", null);
    public static final SettingSpec ENDPOINT =
            new SettingSpec("api.endpoint", "--api-endpoint", "http://localhost:8000/api/v1", null);
    public static final SettingSpec SUBMIT = new SettingSpec("api.submit", "--no-submit", "true", null);
    public static final SettingSpec PROJECT = new SettingSpec("client.project", "--project", null, "none");
    public static final SettingSpec USERNAME = new SettingSpec("client.username", null, null, "the login name");
    public static final SettingSpec CPU_NAME = new SettingSpec("client.cpu_name", null, null, "the host name");

    private static final List<SettingSpec> SUBMISSION = List.of(ENDPOINT, SUBMIT, PROJECT, USERNAME, CPU_NAME);

    /** The settings of {@code ecmpipe run}. */
    public static final List<SettingSpec> RUN = Stream.concat(Stream.of(ECM_PATH, B1, B2, CURVES, PARAM, SIGMA, TARGET_T, GPU, GPU_DEVICE,
            GPU_CURVES, CGBN, STAGE1_WORKERS, FIXED_SPLIT, STAGE1_TIMEOUT, STAGE2_WORKERS, CURVE_TIMEOUT, MAX_MEMORY, CONTINUE_AFTER_FACTOR,
            PROGRESS_INTERVAL, NUMBERS_FILE, WORK_DIR, RESULTS, QUEUE_DEPTH, KEEP_RESIDUES, SKIP_INVALID, MAX_DIGITS),
            SUBMISSION.stream()).toList();

    /** The settings of {@code ecmpipe stage2}. */
    public static final List<SettingSpec> STAGE2 = Stream.concat(Stream.of(ECM_PATH, B2, STAGE2_WORKERS, CURVE_TIMEOUT,
            MAX_MEMORY, CONTINUE_AFTER_FACTOR, PROGRESS_INTERVAL, WORK_DIR, RESULTS), SUBMISSION.stream()).toList();

    /** The settings of {@code ecmpipe doctor}: those of {@code run} that decide what it needs. */
    public static final List<SettingSpec> DOCTOR = List.of(ECM_PATH, B1, PARAM, GPU, GPU_DEVICE, CGBN, ENDPOINT, SUBMIT,
            USERNAME, CPU_NAME);

    /** The settings of {@code ecmpipe resend}. */
    public static final List<SettingSpec> RESEND = List.of(WORK_DIR, ENDPOINT, USERNAME, CPU_NAME);

    /** Every key a config file may hold (one file serves every command). */
    public static final Set<String> CONFIG_KEYS = Stream.of(RUN, STAGE2, RESEND).flatMap(List::stream)
            .map(SettingSpec::name).collect(Collectors.toUnmodifiableSet());

    private Catalog() {
    }
}
