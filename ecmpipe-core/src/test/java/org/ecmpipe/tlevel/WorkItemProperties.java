package org.ecmpipe.tlevel;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** WorkItem's and CurveKind's hand-written equals and hashCode keep a record's meaning: equal iff every part is. */
class WorkItemProperties {
    @Provide
    Arbitrary<WorkItem> items() {
        Arbitrary<BigInteger> b2s = Arbitraries.oneOf(Arbitraries.just(null), Arbitraries.just(BigInteger.ZERO),
                Arbitraries.longs().between(1, Long.MAX_VALUE).map(BigInteger::valueOf));
        return Combinators.combine(Arbitraries.longs().between(0, 100_000), Arbitraries.longs().between(1, 1_000_000_000),
                b2s, Arbitraries.integers().between(0, 3), Arbitraries.of(true, false)).as(WorkItem::new);
    }

    @Property
    void equalPartsMakeEqualItemsWithEqualHashes(@ForAll("items") WorkItem a) {
        WorkItem b = new WorkItem(a.curves(), a.b1(), a.b2() == null ? null : new BigInteger(a.b2().toString()),
                a.param(), a.ntt());
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a.kind()).isEqualTo(b.kind()).hasSameHashCodeAs(b.kind());
        assertThat(a.withCurves(a.curves() + 1).kind()).isEqualTo(a.kind());
    }

    @Property
    void anyPartDifferingMakesThemDiffer(@ForAll("items") WorkItem a) {
        BigInteger otherB2 = a.b2() == null ? BigInteger.ONE : null;
        for (WorkItem other : new WorkItem[] {a.withCurves(a.curves() + 1),
                new WorkItem(a.curves(), a.b1() + 1, a.b2(), a.param(), a.ntt()),
                new WorkItem(a.curves(), a.b1(), otherB2, a.param(), a.ntt()),
                new WorkItem(a.curves(), a.b1(), a.b2(), (a.param() + 1) % 4, a.ntt()),
                new WorkItem(a.curves(), a.b1(), a.b2(), a.param(), !a.ntt())}) {
            assertThat(a).isNotEqualTo(other);
            if (other.curves() == a.curves()) {
                assertThat(a.kind()).isNotEqualTo(other.kind());
            }
        }
        assertThat(a).isNotEqualTo(null).isNotEqualTo(a.kind());
    }
}
