package org.ecmpipe.result;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The JSON Lines results file. Each result is appended as one line and forced to disk before {@link #append}
 * returns, so a crash never loses a result that was reported as written.
 */
public final class ResultsFile implements AutoCloseable {
    private final Path path;
    private final FileChannel channel;
    private final ResultJson json = new ResultJson();

    public ResultsFile(Path path) throws IOException {
        this.path = path;
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        this.channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    public Path path() {
        return path;
    }

    public synchronized void append(CompositeResult result) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap((json.toLine(result) + "\n").getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
        channel.force(false);
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }
}
