package org.ecmpipe.stage1;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.ecmpipe.composite.Primality;
import org.ecmpipe.durable.AppendLog;
import org.ecmpipe.durable.AtomicFile;
import org.ecmpipe.ecm.EcmException;
import org.ecmpipe.ecm.FoundFactor;

/**
 * Stage 1 of one number run as chunks of curves, each an {@code ecm -save} of its own file (shares of
 * {@code --stage1-workers}, chunks of the work-conserving CPU mode): one {@link Stage1Result}, the chunk files
 * appended in order to the number's residue file, curves and factors added up.
 */
public final class Stage1Chunks {
    private Stage1Chunks() {
    }

    /**
     * Appends each chunk's file to {@code into} (created if missing: it may hold curves an interrupted run saved) in
     * one atomic replace of {@code into}, then deletes the chunk files, and adds up what the chunks did. A line a chunk was writing when it was ended is
     * dropped (ecm writes each curve's line when the curve ends, so whole lines are whole curves).
     *
     * @param alreadySaved curves already in {@code into}
     * @param chunkFiles the chunks' files, in order (missing ones saved nothing)
     * @param results what each chunk's ecm did, in the same order; the first error is the joined one's
     * @param elapsed the joined stage 1's wall time
     */
    public static Stage1Result join(BigInteger composite, long b1, Path into, int alreadySaved, List<Path> chunkFiles,
                                    List<Stage1Result> results, Duration elapsed) {
        int curves = alreadySaved;
        List<FoundFactor> factors = new ArrayList<>();
        String error = null;
        int exitCode = 0;
        int residues = alreadySaved;
        boolean inputNumberFound = false;
        List<String> warnings = new ArrayList<>();
        java.io.ByteArrayOutputStream content = new java.io.ByteArrayOutputStream();
        List<Path> joined = new ArrayList<>();
        try {
            if (Files.exists(into)) {
                AppendLog.dropTornTail(into);
                content.write(Files.readAllBytes(into));
            }
            for (int i = 0; i < results.size(); i++) {
                Stage1Result r = results.get(i);
                curves += r.curves();
                r.factors().stream().filter(f -> factors.stream().noneMatch(o -> o.factor().equals(f.factor())))
                        .forEach(factors::add);
                residues += r.residues();
                inputNumberFound |= r.inputNumberFound();
                warnings.addAll(r.warnings());
                if (r.failed() && error == null) {
                    error = r.error();
                    exitCode = r.exitCode();
                }
                Path part = chunkFiles.get(i);
                if (Files.exists(part)) {
                    AppendLog.dropTornTail(part);
                    content.write(Files.readAllBytes(part));
                    joined.add(part);
                }
            }
            // all or nothing: a failed write (a full disk) leaves the number's file and every chunk file as they were,
            // so a second try cannot count a chunk's curves twice
            AtomicFile.write(into, content.toByteArray());
        } catch (IOException e) {
            throw new EcmException("cannot join stage-1 residue files into " + into + ": " + e.getMessage(), e);
        }
        for (Path part : joined) {
            try {
                Files.delete(part);
            } catch (IOException e) {
                warnings.add("cannot remove the joined stage-1 chunk file " + part + ": " + e.getMessage());
            }
        }
        // each chunk divided its own factors out; the chunks' factors may overlap or nest, so the joined cofactor
        // divides out only the factors that still divide it
        BigInteger cofactor = Stage1Result.cofactorOf(composite, factors);
        String version = results.stream().map(Stage1Result::ecmVersion).filter(v -> v != null).findFirst().orElse(null);
        return new Stage1Result(composite, b1, curves, into, factors, elapsed, exitCode, version, error, null, residues,
                cofactor, Primality.isPrime(cofactor), inputNumberFound, warnings);
    }

    /** A chunk ended by ecmpipe because another chunk settled the number: its curves count, its end is no error. */
    public static Stage1Result cancelled(Stage1Result r) {
        return new Stage1Result(r.composite(), r.b1(), r.curves(), r.residueFile(), r.factors(), r.elapsed(), 0,
                r.ecmVersion(), null, r.device(), r.residues(), r.cofactor(), r.cofactorPrime(), r.inputNumberFound(),
                r.warnings());
    }
}
