package org.ecmpipe.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The wire type written and read back; the reader's strictness is exercised over HTTP in the server's tests. */
class SubmissionFormatTest {
    private final SubmissionFormat format = new SubmissionFormat(100);

    private static Submission sample() {
        return new Submission("id-1", new BigInteger("1000000016000000063"), "p", "alice-box1", "ecm", "gmp-ecm", "7.0.5",
                new Submission.Parameters(BigInteger.valueOf(11000), new BigInteger("1873422"), 24, 3, "3:12345"),
                new Submission.Results(24, 1.5, new BigInteger("1000000007"),
                        List.of(new Submission.FoundFactor(new BigInteger("1000000007"), "3:12345"))), null);
    }

    @Test
    void whatIsWrittenReadsBackEqualWithTheWireNames() {
        var json = format.toJson(sample());
        assertThat(json.get("composite").isTextual()).as("big numbers as strings").isTrue();
        assertThat(json.get("parameters").get("b1").isIntegralNumber()).isTrue();
        assertThat(json.get("results").get("factors_found").get(0).get("factor").asText()).isEqualTo("1000000007");
        assertThat(json.fieldNames()).toIterable().contains("submission_id", "client_id", "program_version", "raw_output");
        assertThat(format.read(json.toString().getBytes(StandardCharsets.UTF_8))).isEqualTo(sample());
    }

    @Test
    void readingNamesTheFieldAndTheKindOfFault() {
        String good = format.toJson(sample()).toString();
        assertThatThrownBy(() -> format.read((good + "{}").getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(WireException.class, e -> assertThat(e.kind()).isEqualTo(WireException.Kind.MALFORMED));
        assertThatThrownBy(() -> format.read(good.replace("\"b1\":11000", "\"b1\":-1").getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(WireException.class, e -> {
                    assertThat(e.kind()).isEqualTo(WireException.Kind.INVALID);
                    assertThat(e.field()).isEqualTo("parameters.b1");
                });
        String big = good.replace("1000000016000000063", "1" + "0".repeat(100));
        assertThatThrownBy(() -> format.read(big.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(WireException.class, e -> {
                    assertThat(e.kind()).isEqualTo(WireException.Kind.TOO_LARGE);
                    assertThat(e.detail()).isEqualTo("composite: has 101 digits; this server takes numbers of at most 100 digits");
                });
    }

    @Test
    void theLegacySingleFactorStandsInWhenTheListIsEmpty() {
        Submission s = new Submission(null, BigInteger.valueOf(77), null, "c", "ecm", "gmp-ecm", null,
                new Submission.Parameters(BigInteger.TEN, null, null, null, "2:9"),
                new Submission.Results(1, null, BigInteger.valueOf(7), List.of()), null);
        assertThat(s.factors()).containsExactly(new Submission.FoundFactor(BigInteger.valueOf(7), "2:9"));
    }
}
