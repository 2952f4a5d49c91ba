package org.ecmpipe.pipeline;

import java.io.IOException;
import java.nio.file.Path;

/** Names the file a number's stage-1 residues are saved to (the work dir decides where). */
@FunctionalInterface
public interface ResidueFiles {
    Path next(PlannedNumber number) throws IOException;
}
