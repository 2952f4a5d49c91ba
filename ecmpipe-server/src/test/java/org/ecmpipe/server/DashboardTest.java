package org.ecmpipe.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.ecmpipe.server.DashboardQueries.CompositeRow;
import org.ecmpipe.server.DashboardQueries.Filter;
import org.ecmpipe.server.DashboardQueries.WorkGroup;
import org.junit.jupiter.api.Test;

/** The dashboard's labels and pieces, without a server: sizes, work lines, links, times, page clamping. */
class DashboardTest {
    private static final OffsetDateTime T = OffsetDateTime.of(2026, 11, 25, 11, 0, 0, 123, ZoneOffset.ofHours(1));

    private static WorkGroup ecm(BigInteger b2, boolean b2Default, long stage1, long stage2) {
        return new WorkGroup(1, "ecm", BigInteger.valueOf(11000), b2, b2Default, 3, 1, stage1, stage2, T);
    }

    private static CompositeRow row(String number, String status, boolean numberPrime, String cofactor, Boolean cofactorPrime) {
        return new CompositeRow(7, number, number.length(), "p", status, numberPrime, cofactor, cofactorPrime, 20, 30, false, 0, T, T);
    }

    @Test
    void sizesArePrimeCompositeOrUnknown() {
        assertThat(Dashboard.label("1".repeat(45), true)).contains(">P45<");
        assertThat(Dashboard.label("1".repeat(45), false)).contains(">C45<");
        assertThat(Dashboard.label("1".repeat(45), null)).contains(">c45?<", "primality not known");
        // a fully factored composite's cofactor is prime, whatever was stored before the column existed
        assertThat(Dashboard.cofactor(row("6" + "0".repeat(50), "fully_factored", false, "1".repeat(45), null))).contains(">P45<");
        assertThat(Dashboard.cofactor(row("6" + "0".repeat(50), "composite", false, "1".repeat(45), true))).contains(">P45<");
        assertThat(Dashboard.cofactor(row("6" + "0".repeat(50), "composite", false, "1".repeat(45), false))).contains(">C45<");
        assertThat(Dashboard.cofactor(row("6" + "0".repeat(50), "fully_factored", false, "1", null))).isEqualTo("1");
        CompositeRow prime = row("2305843009213693951", "fully_factored", true, "2305843009213693951", true);
        assertThat(Dashboard.numberLabel(prime)).isEqualTo("P19");
        assertThat(Dashboard.cofactor(prime)).isEqualTo("-");
        assertThat(Dashboard.progress(prime)).contains("done").doesNotContain("bar");
    }

    @Test
    void workWhoseStage2NeverRanSaysStage1Only() {
        assertThat(Dashboard.workSummary(List.of(ecm(BigInteger.ZERO, false, 24, 0)))).isEqualTo("11000, stage 1 only: 24");
        // B2 left to ecm (null) but no curve reported its stage 2: not "default"
        assertThat(Dashboard.workSummary(List.of(ecm(null, true, 24, 0)))).isEqualTo("11000, stage 1 only: 24");
        assertThat(Dashboard.workSummary(List.of(ecm(null, true, 24, 20)))).isEqualTo("11000, default: 20<br>11000, stage 1 only: 4");
        assertThat(Dashboard.workSummary(List.of(ecm(BigInteger.valueOf(1873422), false, 24, 24)))).isEqualTo("11000, 1873422: 24");
        assertThat(Dashboard.workSummary(List.of())).isEqualTo("-");
    }

    @Test
    void linksEncodeAndPagesEscapeWhatUsersTyped() {
        assertThat(Dashboard.query(new Filter("<a&b>", "prime"), 3, DashboardPages.DEFAULT_SIZE)).isEqualTo("?project=%3Ca%26b%3E&status=prime&page=3");
        assertThat(Dashboard.query(new Filter(null, null), 1, 20)).isEqualTo("?page=1&size=20");
        assertThat(Dashboard.esc("<script>'&\"")).isEqualTo("&lt;script&gt;&#39;&amp;&quot;");
        assertThat(Dashboard.error(400, "page must be <b>")).contains("page must be &lt;b&gt;").doesNotContain("<b>");
    }

    @Test
    void timesAreUtcIsoToTheSecond() {
        assertThat(Dashboard.time(T)).isEqualTo("<time datetime=\"2026-11-25T10:00:00Z\">2026-11-25T10:00:00Z</time>");
        assertThat(Dashboard.time(null)).isEqualTo("-");
        assertThat(Dashboard.lastWork(List.of(ecm(null, true, 1, 1), new WorkGroup(1, "ecm", BigInteger.TEN, null, true, 3, 1, 1, 1,
                T.plusHours(2))))).isEqualTo(T.plusHours(2));
        assertThat(Dashboard.lastWork(List.of())).isNull();
        assertThat(Dashboard.count(1, "attempt")).isEqualTo("1 attempt");
        assertThat(Dashboard.count(0, "attempt")).isEqualTo("0 attempts");
    }

    @Test
    void pagesPastTheLastShowTheLast() {
        assertThat(DashboardQueries.clamp(1, 0, 50)).isEqualTo(1);
        assertThat(DashboardQueries.clamp(3, 100, 50)).isEqualTo(2);
        assertThat(DashboardQueries.clamp(999_999_999, 20_000, 50)).isEqualTo(400);
        assertThat(DashboardQueries.clamp(2, 101, 50)).isEqualTo(2);
    }
}
