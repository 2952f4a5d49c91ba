package org.ecmpipe.composite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class NumberExpressionTest {

    @Test
    void evaluatesGmpEcmExpressions() {
        assertThat(NumberExpression.evaluate("2^67-1")).isEqualTo(BigInteger.TWO.pow(67).subtract(BigInteger.ONE));
        assertThat(NumberExpression.evaluate("(10^71-1)/9")).isEqualTo(BigInteger.TEN.pow(71).subtract(BigInteger.ONE).divide(BigInteger.valueOf(9)));
        assertThat(NumberExpression.evaluate(" 12345678901234567890 ")).isEqualTo(new BigInteger("12345678901234567890"));
        assertThat(NumberExpression.evaluate("2^3^2")).isEqualTo(BigInteger.valueOf(512));
        assertThat(NumberExpression.evaluate("-3+10*2")).isEqualTo(BigInteger.valueOf(17));
        assertThat(NumberExpression.evaluate("10!")).isEqualTo(BigInteger.valueOf(3628800));
        assertThat(NumberExpression.evaluate("11#+1")).isEqualTo(BigInteger.valueOf(2311));
        assertThat(NumberExpression.evaluate("(2^256+1)/1238926361552897"))
                .isEqualTo(BigInteger.TWO.pow(256).add(BigInteger.ONE).divide(new BigInteger("1238926361552897")));
    }

    @Test
    void rejectsInexactDivisionAndJunkWithAPosition() {
        assertThatThrownBy(() -> NumberExpression.evaluate("10/3")).isInstanceOf(ExpressionException.class)
                .hasMessage("division is not exact at position 3");
        assertThatThrownBy(() -> NumberExpression.evaluate("12a4")).hasMessage("unexpected 'a' at position 3");
        assertThatThrownBy(() -> NumberExpression.evaluate("(2^5")).hasMessageStartingWith("missing ')'");
        assertThatThrownBy(() -> NumberExpression.evaluate("2^")).hasMessageStartingWith("expression ends early");
        assertThatThrownBy(() -> NumberExpression.evaluate("")).hasMessageStartingWith("empty number");
        assertThatThrownBy(() -> NumberExpression.evaluate("2^99999999")).hasMessageStartingWith("exponent must be");
    }

    @Test
    void smallPrimes() {
        assertThat(SmallPrimes.upTo(30)).containsExactly(2, 3, 5, 7, 11, 13, 17, 19, 23, 29);
        assertThat(SmallPrimes.upTo(1_000_000)).hasSize(78498);
    }
}
