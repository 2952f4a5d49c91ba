package org.ecmpipe.tlevel;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TLevelCacheTest {
    @Test
    void givesWhatTLevelGivesForEveryKindOfWork() {
        TLevelCache cache = new TLevelCache();
        List<List<WorkItem>> works = List.of(
                List.of(),
                List.of(WorkItem.defaultB2(1071, 1_000_000, 1)),
                List.of(new WorkItem(30, 250_000, BigInteger.valueOf(200_000_000), 3),
                        WorkItem.stage1Only(10, 250_000, 3)),
                List.of(WorkItem.stage1Only(40, 11_000, 3)),
                List.of(WorkItem.defaultB2(1071, 1_000_000, 1).withCurves(1070)));
        for (int round = 0; round < 2; round++) { // the second round reads what the first remembered
            for (List<WorkItem> work : works) {
                assertThat(cache.of(work)).as("%s", work).isEqualTo(TLevel.of(work));
            }
        }
        assertThat(cache.size()).isEqualTo(works.size());
    }

    @Test
    void aKeyIsACopyOfTheWorkSoChangingTheCallersListLaterChangesNothing() {
        TLevelCache cache = new TLevelCache();
        List<WorkItem> work = new ArrayList<>(List.of(WorkItem.defaultB2(1071, 1_000_000, 1)));
        double t35 = cache.of(work);
        work.set(0, WorkItem.defaultB2(107, 11_000, 1));
        // still found under the original work: a key that were the caller's list would now hash as the new work
        assertThat(cache.of(List.of(WorkItem.defaultB2(1071, 1_000_000, 1)))).isEqualTo(t35);
        assertThat(cache.size()).isEqualTo(1);
        assertThat(cache.of(work)).isEqualTo(TLevel.of(work)).isNotEqualTo(t35);
        assertThat(cache.size()).isEqualTo(2);
    }

    @Test
    void neverHoldsMoreThanItsBound() {
        TLevelCache cache = new TLevelCache();
        for (int curves = 1; curves <= TLevelCache.MAX_ENTRIES * 2 + 3; curves++) {
            List<WorkItem> work = List.of(WorkItem.stage1Only(curves, 1000, 1));
            assertThat(cache.of(work)).isEqualTo(TLevel.of(work));
            assertThat(cache.size()).isLessThanOrEqualTo(TLevelCache.MAX_ENTRIES);
        }
    }
}
