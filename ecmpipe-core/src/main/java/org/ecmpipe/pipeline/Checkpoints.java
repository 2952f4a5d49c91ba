package org.ecmpipe.pipeline;

import java.io.IOException;
import org.ecmpipe.stage1.Stage1Result;
import org.ecmpipe.stage2.Stage2Result;

/**
 * Where the pipeline makes its progress durable, before it goes on and before any listener hears of it: a
 * checkpoint that cannot be written stops the run (nothing is done that could not be resumed).
 */
public interface Checkpoints {
    Checkpoints NONE = new Checkpoints() {
        @Override
        public void stage1Started(PlannedNumber number) {
        }

        @Override
        public void stage1Done(PlannedNumber number, Stage1Result result) {
        }

        @Override
        public void stage2Cut(PlannedNumber number, Stage2Result partial) {
        }

        @Override
        public void stage1Cut(PlannedNumber number, java.nio.file.Path residueFile) {
        }
    };

    /** Stage 1 of the number is about to start (a crash from here on means stage 1 is redone). */
    void stage1Started(PlannedNumber number) throws IOException;

    /** Stage 1 of the number ended without error: its residue file can be reused by a later run. */
    void stage1Done(PlannedNumber number, Stage1Result result) throws IOException;

    /**
     * Stage 1 of the number was cut short by a stop after saving curves in {@code residueFile} one by one: a later run
     * adds only the missing curves.
     */
    void stage1Cut(PlannedNumber number, java.nio.file.Path residueFile) throws IOException;

    /** Stage 2 of the number was cut short by a stop: the curves it completed are not run again. */
    void stage2Cut(PlannedNumber number, Stage2Result partial) throws IOException;
}
