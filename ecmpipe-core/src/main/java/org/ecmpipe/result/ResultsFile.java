package org.ecmpipe.result;

import java.io.IOException;
import java.nio.file.Path;
import org.ecmpipe.durable.AppendLog;

/**
 * The JSON Lines results file. Each result is appended as one line and forced to disk before {@link #append}
 * returns, so a crash never loses a result that was reported as written.
 */
public final class ResultsFile implements AutoCloseable {
    private final AppendLog log;
    private final ResultJson json = new ResultJson();

    public ResultsFile(Path path) throws IOException {
        AppendLog.dropTornTail(path);
        this.log = new AppendLog(path);
    }

    public Path path() {
        return log.path();
    }

    public void append(CompositeResult result) throws IOException {
        log.append(json.toLine(result));
    }

    @Override
    public void close() throws IOException {
        log.close();
    }
}
