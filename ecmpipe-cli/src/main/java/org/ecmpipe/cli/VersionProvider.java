package org.ecmpipe.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest (a development build has none). */
public final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {"ecmpipe " + (v == null ? "(development build)" : v)};
    }
}
