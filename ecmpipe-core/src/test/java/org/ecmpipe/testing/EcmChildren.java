package org.ecmpipe.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.ecmpipe.ecm.ChildProcesses;
import org.ecmpipe.ecm.EcmBinary;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh {@link ChildProcesses} for each test, closed after it, and the check every test of real ecm owes: no ecm
 * process of this JVM is left running. Use as {@code @RegisterExtension final EcmChildren ecm = new EcmChildren();}.
 */
public final class EcmChildren implements BeforeEachCallback, AfterEachCallback {
    private ChildProcesses children;

    @Override
    public void beforeEach(ExtensionContext context) {
        children = new ChildProcesses();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        children.close();
        assertThat(RealEcm.liveEcmDescendants()).as("ecm processes left running").isZero();
    }

    public ChildProcesses children() {
        return children;
    }

    /** The real GMP-ECM, probed. */
    public EcmBinary realEcm() {
        return RealEcm.probe(children);
    }
}
