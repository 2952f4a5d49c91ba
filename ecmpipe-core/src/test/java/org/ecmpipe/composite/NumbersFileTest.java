package org.ecmpipe.composite;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

class NumbersFileTest {
    @Test
    void readsNumbersCommentsAndExpressionsAndNamesBadLines() {
        NumbersFile.Contents c = NumbersFile.parse(List.of(
                "# header",
                "",
                "  2^67-1   # M67",
                "11#+1",
                "(10^71-1)/9",
                "12a",
                "10/3",
                "147573952589676412927",
                "1",
                "\t-7"));
        assertThat(c.numbers()).extracting(Composite::lineNumber).containsExactly(3, 4, 5);
        assertThat(c.numbers().getFirst().expression()).isEqualTo("2^67-1");
        assertThat(c.numbers().get(1).value()).isEqualTo(BigInteger.valueOf(2311));
        assertThat(c.problems()).extracting(InputProblem::lineNumber).containsExactly(6, 7, 9, 10);
        assertThat(c.problems().get(0).toString()).isEqualTo("line 6: not a number: unexpected 'a' at position 3 ('12a')");
        assertThat(c.problems().get(1).reason()).contains("division is not exact");
        assertThat(c.problems().get(2).reason()).isEqualTo("must be greater than 1");
        assertThat(c.duplicates()).containsExactly(new NumbersFile.Duplicate(8, 3)); // 2^67-1 written out
        assertThat(c.numbers().getFirst().shortText()).isEqualTo("147573952589676412927 (c21)");
    }

    @Test
    void trialDivisionTakesOutSmallPrimesWithExponents() {
        TrialDivision td = new TrialDivision(TrialDivision.DEFAULT_LIMIT);
        BigInteger big = new BigInteger("3909165807099954745401733901978040965723");
        TrialDivision.Result r = td.divide(BigInteger.valueOf(2).pow(5).multiply(BigInteger.valueOf(99991)).multiply(big));
        assertThat(r.factors()).containsExactly(java.util.Map.entry(BigInteger.TWO, 5), java.util.Map.entry(BigInteger.valueOf(99991), 1));
        assertThat(r.cofactor()).isEqualTo(big);
        assertThat(td.divide(BigInteger.valueOf(3 * 5 * 7 * 99991L)).cofactor()).isEqualTo(BigInteger.ONE);
        assertThat(td.divide(big).factors()).isEmpty();
    }
}
