package org.ecmpipe.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Fault-injecting wrappers around the real ecm (test stand-ins, see src/test/resources/fault-wrappers): copied
 * to a directory and made executable.
 */
public final class FaultWrappers {
    private FaultWrappers() {
    }

    public static Path install(String name, Path dir) throws IOException {
        Path target = dir.resolve(name);
        try (InputStream in = FaultWrappers.class.getResourceAsStream("/fault-wrappers/" + name)) {
            if (in == null) {
                throw new IOException("no fault wrapper " + name);
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        return target;
    }
}
