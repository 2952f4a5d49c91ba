package org.ecmpipe.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** The ecmpipe command run in-process for a test, with what it printed on standard output and error kept. */
final class Console {
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    /** Runs {@code ecmpipe ARGS...} and returns its exit code; output and error are appended to. */
    int run(String... args) {
        return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    /** The same, with what earlier commands printed cleared first. */
    int runAfresh(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        return run(args);
    }
}
