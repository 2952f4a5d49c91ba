package org.ecmpipe.submit;

import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;

/**
 * A JDK HttpClient made at its first use and ended by {@link #close}, for the clients of a command that may never
 * talk to a server, or only late in a run.
 *
 * <p>Why not one made up front: making an HttpClient loads the TLS defaults (about 0.1 s of CPU, measured on
 * {@code ecmpipe run}'s main thread) even for an http:// server. Why close it: a live HttpClient keeps a selector
 * thread waiting in native code, and the JVM waits up to 0.3 s at exit for threads in native code to stop.
 */
public final class LazyHttpClient implements AutoCloseable {
    private final Duration connectTimeout;
    private HttpClient http; // guarded by this
    private boolean closed; // guarded by this

    public LazyHttpClient(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    /**
     * The client, made now if this is its first use.
     *
     * @throws IOException once {@link #close} was called
     */
    public synchronized HttpClient get() throws IOException {
        if (closed) {
            throw new IOException("HTTP client closed");
        }
        if (http == null) {
            http = HttpClient.newBuilder().connectTimeout(connectTimeout).build();
        }
        return http;
    }

    /** Ends the client, if one was made: a request in progress fails, later ones fail at once. */
    @Override
    public void close() {
        HttpClient made;
        synchronized (this) {
            closed = true;
            made = http;
        }
        if (made != null) {
            made.shutdownNow();
            try {
                made.awaitTermination(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
