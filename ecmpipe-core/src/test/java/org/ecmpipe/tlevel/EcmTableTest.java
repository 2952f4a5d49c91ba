package org.ecmpipe.tlevel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every cell of the expected-curves tables the real GMP-ECM 7.0.5 printed ({@code tlevel/tlevel-vectors.tsv}, see
 * the README next to it) is reproduced to the printed digit, with ecm's own rounding and formatting.
 */
class EcmTableTest {
    /** The five runs with an explicit B2 (tlevel.md section 5.1); every other nonzero b2 in the file is a default. */
    private static final Map<Long, BigInteger> EXPLICIT_B2 = Map.of(
            11000L, BigInteger.valueOf(1_000_000L),
            50000L, BigInteger.valueOf(50_000_000L),
            250000L, BigInteger.valueOf(25_000_000L),
            1_000_000L, BigInteger.valueOf(20_000_000_000L),
            3_000_000L, BigInteger.valueOf(1_000_000_000L));

    record Row(int line, long b1, BigInteger b2, int param, int digits, String expected) {
    }

    static List<Row> rows() throws IOException {
        List<Row> rows = new ArrayList<>();
        try (InputStream in = EcmTableTest.class.getResourceAsStream("/tlevel/tlevel-vectors.tsv");
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            assertThat(r.readLine()).isEqualTo("b1\tb2\tparam\tdigits\texpected_curves");
            String line;
            int n = 1;
            while ((line = r.readLine()) != null) {
                n++;
                String[] f = line.split("\t");
                rows.add(new Row(n, Long.parseLong(f[0]), new BigInteger(f[1]), Integer.parseInt(f[2]),
                        Integer.parseInt(f[3]), f[4]));
            }
        }
        return rows;
    }

    /** The work item ecm ran for a row: stage 1 only, an explicit B2, or (any other b2) the default. */
    static WorkItem item(Row row) {
        if (row.b2().signum() == 0) {
            return WorkItem.stage1Only(1, row.b1(), row.param());
        }
        if (row.b2().equals(EXPLICIT_B2.get(row.b1()))) {
            return new WorkItem(1, row.b1(), row.b2(), row.param());
        }
        return WorkItem.defaultB2(1, row.b1(), row.param());
    }

    @Test
    void everyPrintedCellIsReproduced() throws IOException {
        List<Row> rows = rows();
        assertThat(rows).hasSize(610);
        List<String> mismatches = new ArrayList<>();
        int defaults = 0;
        for (Row row : rows) {
            WorkItem item = item(row);
            if (item.b2() == null) {
                defaults++;
                // the b2 column of a default run is the B2 ecm printed: the planner's B2'
                if (!TLevel.defaultB2(row.b1()).equals(row.b2())) {
                    mismatches.add("line " + row.line() + ": default B2 " + TLevel.defaultB2(row.b1()) + " != " + row.b2());
                }
            }
            String got = EcmTableFormat.cell(TLevel.curveProbability(item, row.digits()));
            if (!got.equals(row.expected())) {
                mismatches.add("line " + row.line() + " " + row + ": got " + got);
            }
        }
        assertThat(mismatches).isEmpty();
        assertThat(defaults).isEqualTo(610 - 5 * 2 * 10 - 5 * 2 * 10); // 5 B1 x params {1,3} explicit and B2=0
    }

    @Test
    void formatsLikeEcm() {
        assertThat(EcmTableFormat.cell(1 / 1116.4)).isEqualTo("1116");
        assertThat(EcmTableFormat.cell(1 / 2.5e8)).isEqualTo("2.5e+08");
        assertThat(EcmTableFormat.cell(1 / 4.0e8)).isEqualTo("4e+08");
        assertThat(EcmTableFormat.cell(1 / 5.3e16)).isEqualTo("5.3e+16");
        assertThat(EcmTableFormat.cell(0)).isEqualTo("Inf");
    }
}
