package org.ecmpipe.cli;

/** Exit codes shared by every ecmpipe command. */
public final class ExitCodes {
    /** Every number done. */
    public static final int OK = 0;
    /** A failure at run time (I/O error, ecm crashed in a way that stopped the batch, ...). */
    public static final int RUNTIME_FAILURE = 1;
    /** A usage or input error found before any work started; nothing was run. */
    public static final int USAGE = 2;
    /** Finished, but some input was skipped or some number failed. */
    public static final int PARTIAL = 3;

    private ExitCodes() {
    }
}
