package org.ecmpipe.stage1;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Stage 1 for one number.
 *
 * @param curves curves to run (on a GPU, ecm rounds this up to whole batches)
 * @param residueFile where ecm saves the residues; must not exist yet (ecm refuses to overwrite), unless
 *     {@code alreadySaved} curves of an interrupted stage 1 are in it: then the rest are appended
 * @param timeout how long stage 1 may run before it is ended as hung
 * @param alreadySaved curves an interrupted stage 1 saved in {@code residueFile} (CPU only): only the rest run
 */
public record Stage1Request(BigInteger composite, long b1, int curves, Path residueFile, Duration timeout,
                            int alreadySaved) {
    public Stage1Request {
        Objects.requireNonNull(composite, "composite");
        Objects.requireNonNull(residueFile, "residueFile");
        Objects.requireNonNull(timeout, "timeout");
        if (b1 < 1) {
            throw new IllegalArgumentException("B1 must be positive");
        }
        if (curves < 1) {
            throw new IllegalArgumentException("curves must be at least 1");
        }
        if (alreadySaved < 0 || alreadySaved >= curves) {
            throw new IllegalArgumentException("already saved curves must be 0.." + (curves - 1));
        }
    }

    public Stage1Request(BigInteger composite, long b1, int curves, Path residueFile, Duration timeout) {
        this(composite, b1, curves, residueFile, timeout, 0);
    }
}
