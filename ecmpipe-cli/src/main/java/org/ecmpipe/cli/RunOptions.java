package org.ecmpipe.cli;

import picocli.CommandLine.Option;

/**
 * The options only {@code ecmpipe run} has; read through {@link CommandSettings} (the catalog decides precedence and
 * defaults), except {@code --restart} and {@code --retry-failed}, which are what to do with this run's work dir.
 */
final class RunOptions {
    @Option(names = "--numbers-file", paramLabel = "FILE",
            description = "Numbers to factor, one per line (GMP-ECM expressions allowed; # comments). Default: ${DEFAULT-VALUE}.")
    String numbersFile;
    @Option(names = "--b1", paramLabel = "N", description = "Stage-1 bound; 160000000 or 16e7. Default: ${DEFAULT-VALUE}.")
    String b1;
    @Option(names = "--curves", paramLabel = "N", description = "Curves per number; on the GPU one unit is one GPU batch"
            + " (1 = 3072 curves on a card whose batch is 3072). Default: ${DEFAULT-VALUE}.")
    String curves;
    @Option(names = "--param", paramLabel = "P", description = "Parametrization of CPU stage-1 curves (0-3; the GPU"
            + " makes param 3 only). Default: ${DEFAULT-VALUE}.")
    String param;
    @Option(names = "--sigma", paramLabel = "[P:]S", description = "With --no-gpu and --curves 1: run this one curve"
            + " (reproduce a curve ecm reported). Default: random curves.")
    String sigma;
    @Option(names = "--target-t", paramLabel = "T", description = "Run rounds of curves until each number's t-level"
            + " reaches T (e.g. 35); B1 from the usual ladder unless --b1 is given, curves to the next level unless"
            + " --curves is given.")
    String targetT;
    @Option(names = "--gpu-device", paramLabel = "N[,N...]",
            description = "GPU(s) to use; a comma list runs one stage-1 producer per GPU. Default: ecm's default.")
    String gpuDevice;
    @Option(names = "--gpu-curves", paramLabel = "N", description = "Curves per GPU kernel launch (batch). Default: ecm's default.")
    String gpuCurves;
    @Option(names = "--cgbn", description = "Pass -cgbn (GMP-ECM 7.0.5 built with CGBN).")
    boolean cgbn;
    @Option(names = "--gpu", description = "Stage 1 on the GPU (the default; overrides gpu.enabled: false in a config file).")
    boolean gpu;
    @Option(names = "--no-gpu", description = "Stage 1 on the CPU instead of the GPU; both stages then share"
            + " --stage1-workers + --stage2-workers cores, an idle core taking whatever work there is (see --fixed-split).")
    boolean noGpu;
    @Option(names = "--stage1-workers", paramLabel = "N",
            description = "With --no-gpu: cores for stage 1; with --stage2-workers they make the cores both stages share"
                    + " (an idle core takes stage-2 curves of an earlier number or stage-1 curves of the next). With"
                    + " --fixed-split: processes to split each number's stage-1 curves over. Default: ${DEFAULT-VALUE}.")
    String stage1Workers;
    @Option(names = "--fixed-split", description = "With --no-gpu: stage 1 on --stage1-workers processes and stage 2 on"
            + " --stage2-workers workers, each on its own cores, as with a GPU (default: all those cores shared by both stages).")
    boolean fixedSplit;
    @Option(names = "--stage1-timeout", paramLabel = "SECONDS",
            description = "End a stage-1 run that takes longer, as hung. Default: ${DEFAULT-VALUE} (7 days).")
    String stage1Timeout;
    @Option(names = "--queue-depth", paramLabel = "N",
            description = "Numbers whose stage 1 is done that may wait for stage 2; the GPU pauses beyond that. Default: ${DEFAULT-VALUE}.")
    String queueDepth;
    @Option(names = "--keep-residues", description = "Keep residue files after their number is done.")
    boolean keepResidues;
    @Option(names = "--max-digits", paramLabel = "N",
            description = "Numbers with more digits are bad lines (ECM would not finish on them). Default: ${DEFAULT-VALUE}.")
    String maxDigits;
    @Option(names = "--skip-invalid", description = "Warn about bad lines of the numbers file and run the rest (default: stop before any work).")
    boolean skipInvalid;
    @Option(names = "--retry-failed", description = "Run again the numbers an earlier run in this work dir failed.")
    boolean retryFailed;
    @Option(names = "--restart", description = "Set aside what an earlier run left in the work dir (journal, results, residues;"
            + " renamed with a time stamp) and start afresh. Needed to change B1 while unfinished residues remain.")
    boolean restart;
}
