package org.ecmpipe.batch;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import org.ecmpipe.settings.Catalog;
import org.ecmpipe.settings.Settings;
import org.ecmpipe.settings.SettingsException;

/**
 * The validated settings of stage 2 on a residue file ({@code ecmpipe stage2}).
 *
 * @param b2 the stage-2 bound, or null for GMP-ECM's default for the file's B1
 * @param submission where results are submitted, or null for no submission
 * @param b2Min the lower end of a B2 range ({@code --b2 MIN-MAX}), or null
 * @param maxMemoryMb ecm's {@code -maxmem} for stage 2 (MB per worker), or null
 */
public record Stage2Settings(Path ecmPath, BigInteger b2, int workers, Duration curveTimeout, boolean continueAfterFactor,
                             int progressInterval, Path workDir, Path resultsFile, RunSettings.Submission submission,
                             Integer maxMemoryMb, BigInteger b2Min) {

    /**
     * @throws SettingsException naming the option or config line of the first bad value
     */
    public static Stage2Settings from(Settings s) {
        BigInteger[] range = RunSettings.b2Range(s);
        BigInteger b2 = range[1];
        if (b2 != null && b2.signum() == 0) {
            throw s.bad(Catalog.B2, "must be positive for stage 2");
        }
        RunSettings.Submission submission = RunSettings.Submission.from(s);
        return new Stage2Settings(s.path(Catalog.ECM_PATH), b2, s.count(Catalog.STAGE2_WORKERS, 1),
                Duration.ofSeconds(s.number(Catalog.CURVE_TIMEOUT, 1, Long.MAX_VALUE / 1_000_000_000L)),
                s.flag(Catalog.CONTINUE_AFTER_FACTOR), s.count(Catalog.PROGRESS_INTERVAL, 0), s.path(Catalog.WORK_DIR),
                s.path(Catalog.RESULTS), submission, RunSettings.maxMemory(s), range[0]);
    }
}
