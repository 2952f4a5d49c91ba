package org.ecmpipe.residue;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResidueFileTest {
    @TempDir
    Path dir;

    @Test
    void readsGoodLinesAndNamesEachBadOneByLineNumber() throws Exception {
        String good = ResidueParserTest.PARAM3_LINE;
        Path file = Files.writeString(dir.resolve("mixed.sav"), String.join("\r\n",
                "# saved by a GPU", good, "", good.replace("CHECKSUM=2566828966", "CHECKSUM=1"),
                good.substring(0, 60), "garbage", ResidueParserTest.GPU_STYLE_LINE) + "\n");
        ResidueFile.Contents contents = ResidueFile.read(file);
        assertThat(contents.residues()).extracting(Residue::lineNumber).containsExactly(2, 7);
        assertThat(contents.problems()).extracting(ResidueProblem::lineNumber).containsExactly(4, 5, 6);
        assertThat(contents.problems().get(0).reason()).contains("bad checksum");
        assertThat(contents.problems().get(1).reason()).contains("missing");
        assertThat(contents.problems().get(2).reason()).contains("no 'TAG=value'");
    }

    @Test
    void writeReadRoundTripAndSplit() throws Exception {
        List<Residue> residues = new ArrayList<>();
        BigInteger n = new BigInteger("2537770589457895864086065317304803970586806917619615628262767052943");
        for (int i = 0; i < 7; i++) {
            String line = ResidueFormat.ecmLine(3, BigInteger.valueOf(1000 + i), 11000, n, BigInteger.valueOf(99 + i), "GMP-ECM 7.0.5");
            residues.add(((ResidueParser.Good) ResidueParser.parse(i + 1, line)).residue());
        }
        Path file = dir.resolve("sub/out.sav");
        ResidueFile.write(file, residues);
        ResidueFile.Contents back = ResidueFile.read(file);
        assertThat(back.problems()).isEmpty();
        assertThat(back.residues()).extracting(Residue::line).containsExactlyElementsOf(residues.stream().map(Residue::line).toList());

        List<List<Residue>> parts = ResidueFile.split(residues, 3);
        assertThat(parts).extracting(List::size).containsExactly(3, 2, 2);
        assertThat(parts.stream().flatMap(List::stream).toList()).isEqualTo(residues);
        assertThat(ResidueFile.split(residues.subList(0, 2), 5)).hasSize(2);
    }

    @Test
    void groupsCofactorLinesWithTheirNumber() {
        BigInteger p = new BigInteger("935351532923");
        BigInteger cofactor = new BigInteger("2713173069302929330231172963430214732722241074296959741");
        BigInteger n = p.multiply(cofactor);
        BigInteger other = new BigInteger("1000000000000000000000000000000000000000000000000000000000000000000000000000000007");
        List<Residue> residues = List.of(residue(1, cofactor, 11000), residue(2, n, 11000), residue(3, other, 11000),
                residue(4, cofactor, 11000), residue(5, n, 50000));
        List<ResidueProblem> problems = new ArrayList<>();
        List<CompositeResidues> groups = CompositeResidues.group(residues, problems);
        assertThat(groups).hasSize(2);
        assertThat(groups.get(0).composite()).isEqualTo(n);
        assertThat(groups.get(0).residues()).extracting(Residue::lineNumber).containsExactly(1, 2, 4);
        assertThat(groups.get(1).composite()).isEqualTo(other);
        assertThat(problems).singleElement().satisfies(pr -> {
            assertThat(pr.lineNumber()).isEqualTo(5);
            assertThat(pr.reason()).contains("B1=50000 differs from B1=11000");
        });
    }

    private static Residue residue(int lineNumber, BigInteger n, long b1) {
        String line = ResidueFormat.ecmLine(3, BigInteger.valueOf(7 + lineNumber), b1, n, BigInteger.valueOf(5), "GMP-ECM 7.0.5");
        return ((ResidueParser.Good) ResidueParser.parse(lineNumber, line)).residue();
    }
}
