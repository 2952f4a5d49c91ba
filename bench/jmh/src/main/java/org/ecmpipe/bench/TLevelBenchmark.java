package org.ecmpipe.bench;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.ecmpipe.tlevel.TLevel;
import org.ecmpipe.tlevel.WorkItem;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The t-level of 1,000 work items (goal: well under 50 ms). Every call starts from nothing: {@link TLevel} keeps no
 * cache between calls.
 *
 * <ul>
 *   <li>{@code ladder}: what a composite's history looks like: B1 from the standard ladder 11e3 .. 26e7, param 1 or
 *       3, default B2, stage 1 only or B2 = 100 B1, 1 .. 3000 curves each (54 distinct kinds of curve);</li>
 *   <li>{@code distinct}: the worst case, every item its own off-ladder B1 (1e4 .. 5e6, param 3, default B2), so
 *       1,000 stage-2 plans and probability curves.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TLevelBenchmark {
    private static final long[] LADDER = {11_000, 50_000, 250_000, 1_000_000, 3_000_000, 11_000_000, 43_000_000,
            110_000_000, 260_000_000};

    private List<WorkItem> ladder;
    private List<WorkItem> distinct;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(20261125);
        ladder = new ArrayList<>();
        distinct = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            long b1 = LADDER[random.nextInt(LADDER.length)];
            int mode = random.nextInt(3);
            BigInteger b2 = mode == 0 ? null : mode == 1 ? BigInteger.ZERO : BigInteger.valueOf(100 * b1);
            ladder.add(new WorkItem(1 + random.nextInt(3000), b1, b2, random.nextBoolean() ? 1 : 3));
            distinct.add(WorkItem.defaultB2(1 + random.nextInt(20), 10_000 + random.nextInt(5_000_000), 3));
        }
    }

    @Benchmark
    public double ladder() {
        return TLevel.of(ladder);
    }

    @Benchmark
    public double distinct() {
        return TLevel.of(distinct);
    }
}
