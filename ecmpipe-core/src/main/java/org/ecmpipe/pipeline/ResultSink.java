package org.ecmpipe.pipeline;

import java.io.IOException;
import org.ecmpipe.result.CompositeResult;

/** Where finished numbers go (results file, journal, submission outbox). Called from one thread at a time. */
@FunctionalInterface
public interface ResultSink {
    void accept(CompositeResult result) throws IOException;
}
