package org.ecmpipe.testing;

import java.nio.file.Path;
import org.ecmpipe.ecm.ChildProcesses;
import org.ecmpipe.ecm.EcmBinary;
import org.ecmpipe.ecm.EcmLocator;

/**
 * The real GMP-ECM for tests. A missing ecm fails the test with the install hint: these tests never skip, so CI
 * cannot pass without really running ecm.
 */
public final class RealEcm {
    private RealEcm() {
    }

    public static Path path() {
        return EcmLocator.locate(null, null);
    }

    public static EcmBinary probe(ChildProcesses children) {
        return EcmBinary.probe(path(), children);
    }

    /** ecm processes that are children (or deeper descendants) of this JVM and still running. */
    public static long liveEcmDescendants() {
        return ProcessHandle.current().descendants()
                .filter(ProcessHandle::isAlive)
                .filter(h -> h.info().command().map(c -> c.endsWith("/ecm") || c.endsWith("stdbuf")).orElse(false))
                .count();
    }
}
