package org.ecmpipe.residue;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** Lines below were written by GMP-ECM 7.0.5 on this project's machines (see shared/reference/gmp-ecm.md §3). */
class ResidueParserTest {

    static final String PARAM3_LINE = "METHOD=ECM; PARAM=3; SIGMA=3553861887; B1=1000; N=70000000000000000000000000004111000000000000000000000000006897; X=0x193b5f2ba0b22d1d4c09abb8707822b4de2bbeaaabbd8b6452c9; CHECKSUM=2566828966; PROGRAM=GMP-ECM 7.0.5; Y=0x0; X0=0x0; Y0=0x0; WHO=@vm; TIME=Tue Nov 24 04:57:14 2026;";
    static final String NO_PARAM_LINE = "METHOD=ECM; SIGMA=1868110544; B1=1000; N=17014169388401961320573775939256290250367635552334014881793370059; X=0x23812f30b0b062d74705dad4732b4e999b2f989b168a2c96f68e63; CHECKSUM=2680377670; PROGRAM=GMP-ECM 7.0.5; Y=0x0; X0=0x0; Y0=0x0; WHO=@vm; TIME=Tue Nov 24 04:37:55 2026;";
    static final String GPU_STYLE_LINE = "METHOD=ECM; PARAM=3; SIGMA=1169037267; B1=11000; N=2537770589457895864086065317304803970586806917619615628262767052943; X=0x56803ccfbcbe43c0c810fbd46ae5a1fd2d1d98d11c4025d47403502; CHECKSUM=3068293156; PROGRAM=GMP-ECM 7.0.5; X0=0x0; Y0=0x0; WHO=@vm; TIME=Tue Nov 24 07:48:28 2026;";

    @Test
    void readsARealParam3Line() {
        Residue r = good(PARAM3_LINE);
        assertThat(r.param()).isEqualTo(3);
        assertThat(r.sigma()).isEqualTo(new BigInteger("3553861887"));
        assertThat(r.b1()).isEqualTo(1000);
        assertThat(r.n()).isEqualTo(new BigInteger("70000000000000000000000000004111000000000000000000000000006897"));
        assertThat(r.line()).isEqualTo(PARAM3_LINE);
        assertThat(r.curve()).hasToString("3:3553861887");
        assertThat(good(GPU_STYLE_LINE).program()).isEqualTo("GMP-ECM 7.0.5");
    }

    @Test
    void checksumFormulaMatchesGmpEcm() {
        Residue r = good(PARAM3_LINE);
        assertThat(ResidueChecksum.compute(r.b1(), r.sigma(), 3, r.n(), r.x(), null)).isEqualTo(2566828966L);
        Residue bare = good(NO_PARAM_LINE.replace("GMP-ECM 7.0.5", "GMP-ECM 7.0.4"));
        assertThat(ResidueChecksum.compute(bare.b1(), bare.sigma(), null, bare.n(), bare.x(), null)).isEqualTo(2680377670L);
    }

    @Test
    void addsParam1ToLinesHitByTheGmpEcm705SaveBug() {
        ResidueParser.Good parsed = (ResidueParser.Good) ResidueParser.parse(7, NO_PARAM_LINE);
        Residue r = parsed.residue();
        assertThat(r.param()).isEqualTo(1);
        assertThat(r.line()).startsWith("METHOD=ECM; PARAM=1; SIGMA=1868110544;");
        assertThat(parsed.warnings()).singleElement().asString().contains("line 7", "PARAM=1");
        // the repaired line is itself valid, with a recomputed checksum
        Residue again = good(r.line());
        assertThat(again.param()).isEqualTo(1);
        assertThat(again.fields().get("CHECKSUM")).isNotEqualTo("2680377670");
    }

    @Test
    void leavesLinesWithoutParamFromOlderVersionsAlone() {
        String old = NO_PARAM_LINE.replace("GMP-ECM 7.0.5", "GMP-ECM 7.0.4");
        Residue r = good(old);
        assertThat(r.param()).isNull();
        assertThat(r.effectiveParam()).isZero();
        assertThat(r.line()).isEqualTo(old);
    }

    @Test
    void namesWhatIsWrongWithBadLines() {
        assertThat(bad(PARAM3_LINE.replace("CHECKSUM=2566828966", "CHECKSUM=2566828967")))
                .contains("bad checksum 2566828967, expected 2566828966");
        // cut short inside X: the checksum no longer matches
        assertThat(bad(PARAM3_LINE.substring(0, PARAM3_LINE.indexOf("X=0x") + 20) + "; CHECKSUM=2566828966;"))
                .contains("bad checksum");
        // cut short before X
        assertThat(bad(PARAM3_LINE.substring(0, PARAM3_LINE.indexOf("X=0x")))).contains("missing X");
        assertThat(bad("this is not a residue")).contains("no 'TAG=value'");
        assertThat(bad(PARAM3_LINE.replace("METHOD=ECM", "METHOD=P-1"))).contains("METHOD=P-1 is not ECM");
        assertThat(bad(PARAM3_LINE.replace("PARAM=3", "PARAM=9"))).contains("PARAM=9 is not a parametrization");
        assertThat(bad(PARAM3_LINE.replace("B1=1000", "B1=abc"))).contains("B1=abc is not a positive integer");
        assertThat(bad(PARAM3_LINE.replace("N=7", "N=x7"))).contains("N=x7");
        assertThat(bad(PARAM3_LINE + " FOO=1;")).contains("unknown field FOO");
        assertThat(bad(PARAM3_LINE + " B1=1000;")).contains("B1 appears twice");
        assertThat(bad("N=123")).contains("missing METHOD", "multi-line layout");
        assertThat(bad(PARAM3_LINE.replaceFirst("N=\\d+;", "N=;"))).contains("field N is empty");
        assertThat(bad(PARAM3_LINE.replaceFirst("N=\\d+;", "N=7;"))).contains("X is not reduced modulo N");
    }

    @Test
    void skipsBlankAndCommentLines() {
        assertThat(ResidueParser.parse(1, "   ")).isInstanceOf(ResidueParser.Blank.class);
        assertThat(ResidueParser.parse(1, "# comment")).isInstanceOf(ResidueParser.Blank.class);
    }

    @Test
    void acceptsExpressionsForN() {
        BigInteger n = BigInteger.TWO.pow(127).subtract(BigInteger.ONE);
        BigInteger x = BigInteger.valueOf(123456789);
        String line = ResidueFormat.ecmLine(3, BigInteger.valueOf(42), 11000, n, x, "GMP-ECM 7.0.5")
                .replace("N=" + n, "N=2^127-1");
        assertThat(good(line).n()).isEqualTo(n);
    }

    @Test
    void recognisesGmpEcmVersionsWithTheSaveBug() {
        assertThat(ResidueParser.writtenBySaveBugVersion("GMP-ECM 7.0.5")).isTrue();
        assertThat(ResidueParser.writtenBySaveBugVersion("GMP-ECM 7.0.6")).isTrue();
        assertThat(ResidueParser.writtenBySaveBugVersion("GMP-ECM 7.1-dev")).isTrue();
        assertThat(ResidueParser.writtenBySaveBugVersion("GMP-ECM 7.0.4")).isFalse();
        assertThat(ResidueParser.writtenBySaveBugVersion("GMP-ECM 6.4.4")).isFalse();
        assertThat(ResidueParser.writtenBySaveBugVersion(null)).isFalse();
    }

    static Residue good(String line) {
        ResidueParser.Parsed parsed = ResidueParser.parse(1, line);
        assertThat(parsed).isInstanceOf(ResidueParser.Good.class);
        return ((ResidueParser.Good) parsed).residue();
    }

    static String bad(String line) {
        ResidueParser.Parsed parsed = ResidueParser.parse(3, line);
        assertThat(parsed).isInstanceOf(ResidueParser.Bad.class);
        ResidueProblem problem = ((ResidueParser.Bad) parsed).problem();
        assertThat(problem.lineNumber()).isEqualTo(3);
        return problem.toString();
    }
}
