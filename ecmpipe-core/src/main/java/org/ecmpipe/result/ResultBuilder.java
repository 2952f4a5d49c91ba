package org.ecmpipe.result;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.ecmpipe.tlevel.TLevel;
import org.ecmpipe.tlevel.TLevelCache;
import org.ecmpipe.tlevel.WorkItem;

/**
 * The one place a {@link CompositeResult} is made: named steps instead of a long positional constructor. Start
 * with {@link #of}, add what the number went through, end with {@link #done}, {@link #failed} or {@link #skipped}.
 * The finishing time comes from the injected clock unless {@link #finishedAt} says otherwise.
 */
public final class ResultBuilder {
    private final BigInteger composite;
    private final Clock clock;
    private List<Factor> factors = List.of();
    private BigInteger cofactor;
    private boolean cofactorPrime;
    private long b1;
    private BigInteger b2;
    private Integer param;
    private int curves;
    private int stage2Curves;
    private double stage1Seconds;
    private double stage2Seconds;
    private boolean stage1Reused;
    private Instant startedAt;
    private Instant finishedAt;
    private String ecmVersion;
    private String stage1Device;
    private String input;
    private boolean b2Default;
    private BigInteger b2Min;
    private BigInteger ecmInput;
    private TLevelCache tLevels;

    private ResultBuilder(BigInteger composite, Clock clock) {
        this.composite = Objects.requireNonNull(composite, "composite");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.cofactor = composite;
    }

    public static ResultBuilder of(BigInteger composite, Clock clock) {
        return new ResultBuilder(composite, clock);
    }

    /** Factors, cofactor and the cofactor's primality from what is known of the number. */
    public ResultBuilder factorization(Factorization f) {
        if (!f.composite().equals(composite)) {
            throw new IllegalArgumentException("factorization of another number");
        }
        this.factors = f.factors();
        this.cofactor = f.cofactor();
        this.cofactorPrime = f.cofactorIsPrime();
        return this;
    }

    /** For a number settled without factoring (a prime): the number is its own prime cofactor. */
    public ResultBuilder prime() {
        this.factors = List.of();
        this.cofactor = composite;
        this.cofactorPrime = true;
        return this;
    }

    /** As read back from a results file. */
    ResultBuilder factors(List<Factor> factors, BigInteger cofactor, boolean cofactorPrime) {
        this.factors = List.copyOf(factors);
        this.cofactor = cofactor;
        this.cofactorPrime = cofactorPrime;
        return this;
    }

    public ResultBuilder bounds(long b1, BigInteger b2) {
        this.b1 = b1;
        this.b2 = b2;
        return this;
    }

    /** Stage 2 covered only B2min..B2 ({@code --b2 MIN-MAX}); null for B1..B2. */
    public ResultBuilder b2Min(BigInteger min) {
        this.b2Min = min;
        return this;
    }

    /** Stage 2 ran with ecm's own default B2 for B1 (none was given). */
    public ResultBuilder b2Default(boolean chosenByEcm) {
        this.b2Default = chosenByEcm;
        return this;
    }

    /** The number ECM really worked on (the composite with earlier factors divided out), for the t-level. */
    public ResultBuilder ecmInput(BigInteger n) {
        this.ecmInput = n;
        return this;
    }

    public ResultBuilder param(Integer param) {
        this.param = param;
        return this;
    }

    /**
     * @param device what ran it: {@code cpu}, {@code gpu} or {@code gpu:N} (null when stage 1 did not run)
     */
    public ResultBuilder stage1(int curves, double seconds, boolean reused, String device) {
        this.curves = curves;
        this.stage1Seconds = seconds;
        this.stage1Reused = reused;
        this.stage1Device = device;
        return this;
    }

    public ResultBuilder stage2(int curves, double seconds) {
        this.stage2Curves = curves;
        this.stage2Seconds = seconds;
        return this;
    }

    /** The number as the user wrote it; kept only when it is an expression (not plain decimal digits). */
    public ResultBuilder input(String text) {
        this.input = text == null || text.strip().equals(composite.toString()) ? null : text.strip();
        return this;
    }

    public ResultBuilder ecmVersion(String version) {
        this.ecmVersion = version;
        return this;
    }

    /** Where the result's t-level is looked up (a run's numbers mostly share it); without one it is computed. */
    public ResultBuilder tLevels(TLevelCache cache) {
        this.tLevels = cache;
        return this;
    }

    public ResultBuilder startedAt(Instant at) {
        this.startedAt = at;
        return this;
    }

    public ResultBuilder finishedAt(Instant at) {
        this.finishedAt = at;
        return this;
    }

    public CompositeResult done() {
        return build(CompositeResult.Status.DONE, null, null);
    }

    public CompositeResult failed(Reason reason, String detail) {
        return build(CompositeResult.Status.FAILED, Objects.requireNonNull(reason, "reason"), detail);
    }

    public CompositeResult skipped(Reason reason) {
        return build(CompositeResult.Status.SKIPPED, Objects.requireNonNull(reason, "reason"), null);
    }

    CompositeResult build(CompositeResult.Status status, Reason reason, String detail) {
        Instant finished = finishedAt != null ? finishedAt : clock.instant();
        Double tLevel = null;
        if (curves > 0 && param != null) {
            List<WorkItem> work = WorkItem.ofRun(curves, b2Min != null ? 0 : stage2Curves, b1, b2, b2Default, param,
                    ecmInput != null ? ecmInput : composite);
            tLevel = tLevels != null ? tLevels.of(work) : TLevel.of(work);
        }
        return new CompositeResult(composite, status, reason, detail, factors, cofactor, cofactorPrime, b1, b2, param,
                curves, stage2Curves, stage1Seconds, stage2Seconds, stage1Reused,
                startedAt != null ? startedAt : finished, finished, ecmVersion, stage1Device, input, b2Default, b2Min, tLevel);
    }
}
