package org.ecmpipe.residue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * The residues of one input number. A stage-1 run that finds a factor goes on with the cofactor, so later lines
 * carry the cofactor as N: they still belong to the original composite.
 *
 * @param composite the largest N seen for this number (the original input)
 * @param b1 the B1 all its lines reached
 */
public record CompositeResidues(BigInteger composite, long b1, List<Residue> residues) {
    public CompositeResidues {
        residues = List.copyOf(residues);
    }

    /** Groups residues by composite, in order of first appearance; what was skipped goes to {@code problems}. */
    public static List<CompositeResidues> group(List<Residue> residues, List<ResidueProblem> problems) {
        List<Builder> groups = new ArrayList<>();
        for (Residue r : residues) {
            Builder owner = null;
            for (Builder g : groups) {
                if (g.composite.mod(r.n()).signum() == 0) {
                    owner = g; // same number, or a cofactor of it
                    break;
                }
                if (r.n().mod(g.composite).signum() == 0) {
                    owner = g; // the original number, after lines for its cofactor
                    owner.composite = r.n();
                    break;
                }
            }
            if (owner == null) {
                owner = new Builder(r.n(), r.b1());
                groups.add(owner);
            }
            if (r.b1() != owner.b1) {
                problems.add(new ResidueProblem(r.lineNumber(), "B1=" + r.b1() + " differs from B1=" + owner.b1
                        + " of the earlier lines for the same number"));
                continue;
            }
            owner.residues.add(r);
        }
        List<CompositeResidues> out = new ArrayList<>();
        for (Builder b : groups) {
            out.add(new CompositeResidues(b.composite, b.b1, b.residues));
        }
        return out;
    }

    private static final class Builder {
        private BigInteger composite;
        private final long b1;
        private final List<Residue> residues = new ArrayList<>();

        Builder(BigInteger composite, long b1) {
            this.composite = composite;
            this.b1 = b1;
        }
    }
}
