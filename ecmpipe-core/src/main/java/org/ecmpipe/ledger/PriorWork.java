package org.ecmpipe.ledger;

import org.ecmpipe.result.CompositeResult;

/**
 * What earlier runs on a work dir did with a number, and so what this run does with it.
 *
 * @param latest the number's newest line in the results file, or null when it has none
 */
public record PriorWork(Kind kind, CompositeResult latest) {

    public enum Kind {
        /** No result yet: run it. */
        NONE(true),
        /** Nothing left for ECM (prime, or the cofactor is 1 or prime): skipped and listed. */
        FACTORED(false),
        /** This B1 was already run on it: nothing to redo. */
        DONE_AT_THIS_B1(false),
        /** Done at another B1 and not fully factored: this run adds its work on the cofactor (an ECM step-up). */
        STEP_UP(true),
        /** Failed in an earlier run: listed, and run again only when asked ({@code --retry-failed}). */
        FAILED(false),
        /** Failed in an earlier run and asked to try again. */
        RETRY(true);

        private final boolean runs;

        Kind(boolean runs) {
            this.runs = runs;
        }

        /** Whether this run works on the number. */
        public boolean runs() {
            return runs;
        }
    }
}
