package org.ecmpipe.stage1;

import java.util.function.Consumer;

/** Runs ECM stage 1 for one number and saves its residues. One engine per device (a GPU, or the CPU). */
public interface Stage1Engine {

    /** A short name for logs, e.g. {@code GPU 0} or {@code CPU}. */
    String name();

    /** What runs it, as results record it: {@code cpu}, {@code gpu} (ecm's default device) or {@code gpu:N}. */
    default String device() {
        return "cpu";
    }

    /**
     * Curves to ask ecm for, for {@code units} as users count them: curves on a CPU, batches on a GPU (so 1 is
     * one full batch, e.g. 3072 curves).
     */
    default int curvesFor(int units) {
        return units;
    }

    /**
     * Whether a stage 1 cut short leaves its finished curves in the residue file, to be continued ({@link
     * Stage1Request#alreadySaved()}) rather than redone.
     */
    default boolean savesCurveByCurve() {
        return false;
    }

    /** The parametrization of the curves it saves (3 on a GPU). */
    int param();

    /**
     * Runs stage 1. Blocks until ecm exits; interrupting the calling thread ends the ecm process.
     *
     * @param onLine each line ecm prints, for verbose logs
     */
    Stage1Result run(Stage1Request request, Consumer<String> onLine);
}
