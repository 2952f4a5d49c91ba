package org.ecmpipe.tlevel;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** WorkItem's and CurveKind's hand-written equals and hashCode keep a record's meaning: equal iff every part is. */
class WorkItemProperties {
    @Provide
    Arbitrary<BigInteger> b2s() {
        return Arbitraries.oneOf(Arbitraries.just(null), Arbitraries.just(BigInteger.ZERO),
                Arbitraries.longs().between(1, Long.MAX_VALUE).map(BigInteger::valueOf));
    }

    @Property
    void equalPartsMakeEqualItemsWithEqualHashes(@ForAll @LongRange(min = 0, max = 100_000) long curves,
                                                 @ForAll @LongRange(min = 1, max = 1_000_000_000) long b1,
                                                 @ForAll("b2s") BigInteger b2, @ForAll @IntRange(max = 3) int param,
                                                 @ForAll boolean ntt) {
        WorkItem a = new WorkItem(curves, b1, b2, param, ntt);
        WorkItem b = new WorkItem(curves, b1, b2 == null ? null : new BigInteger(b2.toString()), param, ntt);
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a.kind()).isEqualTo(b.kind()).hasSameHashCodeAs(b.kind());
        assertThat(a.withCurves(curves + 1).kind()).isEqualTo(a.kind());
    }

    @Property
    void anyPartDifferingMakesThemDiffer(@ForAll @LongRange(min = 0, max = 100_000) long curves,
                                         @ForAll @LongRange(min = 1, max = 1_000_000_000) long b1,
                                         @ForAll("b2s") BigInteger b2, @ForAll @IntRange(max = 3) int param,
                                         @ForAll boolean ntt) {
        WorkItem a = new WorkItem(curves, b1, b2, param, ntt);
        BigInteger otherB2 = b2 == null ? BigInteger.ONE : null;
        for (WorkItem other : new WorkItem[] {new WorkItem(curves + 1, b1, b2, param, ntt),
                new WorkItem(curves, b1 + 1, b2, param, ntt), new WorkItem(curves, b1, otherB2, param, ntt),
                new WorkItem(curves, b1, b2, (param + 1) % 4, ntt), new WorkItem(curves, b1, b2, param, !ntt)}) {
            assertThat(a).isNotEqualTo(other);
            if (other.curves() == curves) {
                assertThat(a.kind()).isNotEqualTo(other.kind());
            }
        }
        assertThat(a).isNotEqualTo(null).isNotEqualTo(a.kind());
    }
}
