package org.ecmpipe.ecm;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Argument lists for every way ecmpipe runs GMP-ECM. Never a shell string: the number goes on stdin and each
 * argument is its own list element.
 */
public final class EcmCommand {
    private EcmCommand() {
    }

    /**
     * CPU stage 1: {@code ecm -param P -save FILE -c CURVES B1 0}. The parametrization is always explicit: without
     * {@code -param}, GMP-ECM 7.0.5+ saves param-1 curves without a PARAM field and resumes them as param 0.
     */
    public static List<String> cpuStage1(EcmBinary ecm, int param, int curves, Path saveFile, long b1) {
        return cpuStage1(ecm, param, curves, saveFile, b1, null);
    }

    /**
     * CPU stage 1 of the curve {@code sigma} ({@code ecm -param P -sigma P:S -save FILE -c 1 B1 0}: reproducing a curve),
     * or of random curves when {@code sigma} is null.
     */
    public static List<String> cpuStage1(EcmBinary ecm, int param, int curves, Path saveFile, long b1, Sigma sigma) {
        return cpuStage1(ecm, param, curves, saveFile, b1, sigma, false);
    }

    /** @param append {@code -savea}: add to the curves an interrupted stage 1 already saved in the file */
    public static List<String> cpuStage1(EcmBinary ecm, int param, int curves, Path saveFile, long b1, Sigma sigma,
                                         boolean append) {
        List<String> args = new ArrayList<>(List.of(ecm.path().toString(), "-param", Integer.toString(param)));
        if (sigma != null) {
            args.addAll(List.of("-sigma", sigma.toString()));
        }
        args.addAll(List.of(append ? "-savea" : "-save", saveFile.toString(), "-c", Integer.toString(curves),
                Long.toString(b1), "0"));
        return List.copyOf(args);
    }

    /**
     * One CPU stage-1 curve with a given sigma and no save file: {@code ecm -param P -sigma P:S B1 0}. It computes the
     * same curve as a GPU curve with that sigma (param 3), so it checks which factor that curve finds.
     */
    public static List<String> cpuCurve(EcmBinary ecm, Sigma sigma, long b1) {
        return List.of(ecm.path().toString(), "-param", Integer.toString(sigma.param()), "-sigma", sigma.toString(),
                Long.toString(b1), "0");
    }

    /**
     * GPU stage 1: {@code ecm -gpu [-cgbn] [-gpudevice D] [-gpucurves N] -save FILE -c CURVES B1 0}. GPU curves are
     * always param 3. {@code -c} counts curves, rounded up by ecm to whole batches.
     *
     * @param device the CUDA device, or null for ecm's choice
     * @param gpuCurves curves per batch, or null for ecm's default (64 per multiprocessor)
     * @param cgbn add {@code -cgbn} (GMP-ECM 7.0.5 built with CGBN: the fast kernel)
     * @param saveFile where to save residues, or null to save nothing (probing the batch size)
     */
    public static List<String> gpuStage1(EcmBinary ecm, Integer device, Integer gpuCurves, boolean cgbn, int curves,
                                         Path saveFile, long b1) {
        List<String> args = new ArrayList<>(List.of(ecm.path().toString(), "-gpu"));
        if (cgbn) {
            args.add("-cgbn");
        }
        if (device != null) {
            args.addAll(List.of("-gpudevice", device.toString()));
        }
        if (gpuCurves != null) {
            args.addAll(List.of("-gpucurves", gpuCurves.toString()));
        }
        if (saveFile != null) {
            args.addAll(List.of("-save", saveFile.toString()));
        }
        args.addAll(List.of("-c", Integer.toString(curves), Long.toString(b1), "0"));
        return List.copyOf(args);
    }

    /**
     * A stage-2 worker reading residue lines from stdin: {@code [stdbuf -oL] ecm -resume - B1 [B2]}. B1 must be the
     * residues' B1 (a larger one makes ecm exit on param-3 lines). stdbuf makes ecm line-buffered, so the echo of
     * our per-line sentinel arrives at once.
     *
     * @param b2 null for GMP-ECM's default B2 for this B1
     */
    public static List<String> resumeFromStdin(EcmBinary ecm, long b1, BigInteger b2) {
        return resumeFromStdin(ecm, b1, null, b2, null);
    }

    /**
     * The same with {@code -maxmem MB} (GMP-ECM then plans stage 2 within that memory, with more, smaller steps), for
     * large B2 on machines with many workers.
     *
     * @param maxMemoryMb null for no limit
     */
    public static List<String> resumeFromStdin(EcmBinary ecm, long b1, BigInteger b2, Integer maxMemoryMb) {
        return resumeFromStdin(ecm, b1, null, b2, maxMemoryMb);
    }

    /**
     * The same over a B2 range: ecm's {@code B2min-B2max} argument (stage 2 covers primes in (B2min, B2max] only).
     *
     * @param b2Min null for a stage 2 from B1 (the usual)
     */
    public static List<String> resumeFromStdin(EcmBinary ecm, long b1, BigInteger b2Min, BigInteger b2,
                                               Integer maxMemoryMb) {
        List<String> args = new ArrayList<>();
        if (ecm.stdbuf() != null) {
            args.addAll(List.of(ecm.stdbuf().toString(), "-oL"));
        }
        args.add(ecm.path().toString());
        if (maxMemoryMb != null) {
            args.addAll(List.of("-maxmem", maxMemoryMb.toString()));
        }
        args.addAll(List.of("-resume", "-", Long.toString(b1)));
        if (b2 != null) {
            args.add(b2Min == null ? b2.toString() : b2Min + "-" + b2);
        }
        return List.copyOf(args);
    }
}
