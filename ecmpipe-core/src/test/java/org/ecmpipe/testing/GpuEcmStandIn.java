package org.ecmpipe.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.ecmpipe.composite.Primality;
import org.ecmpipe.residue.Residue;
import org.ecmpipe.residue.ResidueChecksum;
import org.ecmpipe.residue.ResidueFormat;
import org.ecmpipe.residue.ResidueParser;

/**
 * THIS IS A TEST STAND-IN, NOT GMP-ECM. No machine of this project has a GPU or a GPU build of ecm, so the GPU path is
 * tested against this program, installed as an executable by {@link GpuStandIn}. It pretends to be a GPU build of
 * GMP-ECM 7.0.5, 7.0.6 or master (environment variable {@code ECMPIPE_STANDIN_VERSION}, default 7.0.6; master calls
 * itself 7.0.6, as its configure.ac does at d5a34f54) and prints what that version prints, format string for format
 * string (file:line of 7.0.5 d766a149 / 7.0.6 0befa9a3 / master d5a34f54):
 * <ul>
 * <li>{@code GMP-ECM V [configured with GMP 6.2.1, --enable-gpu] [ECM]} (main.c:862/..., 7.0.5);</li>
 * <li>{@code Input number is N (D digits)}; {@code Run K out of C:} before every batch but the first, K = curves done
 * + 1 and C the {@code -c} value as given (main.c:1235 / 1229 / 1266);</li>
 * <li>the banner: 7.0.5 {@code Using B1=B, B2=0, sigma=3:S-3:E (n curves)} (ecm.c:995-999), 7.0.6 and master
 * {@code sigma=3:S-E (n curves)} (ecm.c:1693-1695);</li>
 * <li>{@code GPU: Large B1, S = bits bits = x MB} when the exponent has 1e8 bits or more (cgbn_stage1.cu:625 with
 * x = bits/2^20 / :668 and :673 with bits/2^23); the bit count is estimated as B1/ln 2, not computed;</li>
 * <li>{@code GPU: factor F found in Step 1 with curve K (-sigma 3:S)}: 7.0.5 with {@code -cgbn} prints S with %d, so
 * S &ge; 2^31 comes out negative (cgbn_stage1.cu:592); without {@code -cgbn} 7.0.5's old kernel prints %u
 * (cudawrapper.c:349); 7.0.6/master %lu (:622 / :627);</li>
 * <li>{@code Computing n Step 1 took Xms of CPU time / Yms of GPU time} (cudawrapper.c:600 / 391 / 391);</li>
 * <li>the reduced factors, each processed as auxi.c process_newfactor does: {@code ********** Factor found in step 1:
 * F}, then {@code Found input number N} (exit code 8, no more batches) or {@code Found prime|composite factor of D
 * digits: F} and {@code Prime|Composite cofactor C has D digits}; the first factor of a batch sets exit code 6/14 if
 * prime, any later one 2/10; a prime cofactor ends the run (no more batches);</li>
 * <li>with {@code -v}: {@code Computing d bits/call, a/b (p%)} progress lines, {@code Copying results back to CPU ...}
 * and {@code Throughput: ...} (cgbn_stage1.cu:799/861, cudawrapper.c:603-606); other verbose lines are not emitted.</li>
 * </ul>
 * Residues are real: each curve of a batch is computed by the real CPU ecm ({@code -param 3 -sigma 3:S}: the same
 * curve the GPU computes). Save lines are written after each batch as main.c does: not at all when the cofactor is
 * prime (main.c {@code if (savefilename != NULL && !n.isPrp)}), with {@code N=1} and {@code X=0x0} after the whole
 * number was found (1 is not "prime" for aprtcle), else GPU-style (PARAM=3, no Y, X reduced modulo the cofactor,
 * PROGRAM=GMP-ECM V). Each batch draws a new random first sigma unless {@code -sigma} is given (then every batch
 * repeats it, as main.c restores the user's sigma). Differences from a real GPU: it is slow, and B2 &gt; 0 is not
 * emulated. {@code ECMPIPE_STANDIN_CGBN=0} makes a 7.0.5 build without CGBN.
 */
public final class GpuEcmStandIn {
    private static final int CURVES_BY_BLOCK = 32;
    /** Batch size when -gpucurves is absent: 64 per SM on a pretend card with 1 SM. */
    private static final int DEFAULT_BATCH = 64;
    /** Devices 0 .. DEVICES-1 exist. */
    private static final int DEVICES = 2;

    private final String realEcm;
    private final String flavour;
    private final boolean cgbnBuild;

    private GpuEcmStandIn(String realEcm, String flavour, boolean cgbnBuild) {
        this.realEcm = realEcm;
        this.flavour = flavour;
        this.cgbnBuild = cgbnBuild;
    }

    public static void main(String[] args) throws Exception {
        String real = System.getenv().getOrDefault("ECMPIPE_STANDIN_REAL_ECM", "ecm");
        String flavour = System.getenv().getOrDefault("ECMPIPE_STANDIN_VERSION", "7.0.6");
        if (!List.of("7.0.5", "7.0.6", "master").contains(flavour)) {
            System.err.println("GPU stand-in: ECMPIPE_STANDIN_VERSION must be 7.0.5, 7.0.6 or master, not " + flavour);
            System.exit(1);
        }
        boolean cgbn = !"0".equals(System.getenv("ECMPIPE_STANDIN_CGBN"));
        System.exit(new GpuEcmStandIn(real, flavour, cgbn).run(args));
    }

    private boolean is705() {
        return flavour.equals("7.0.5");
    }

    private String version() {
        return is705() ? "7.0.5" : "7.0.6";
    }

    private int run(String[] args) throws Exception {
        List<String> argv = List.of(args);
        if (argv.contains("-printconfig")) {
            for (String line : real(List.of("-printconfig"), "").stdout) {
                System.out.println(line.startsWith("WITH_GPU") ? "WITH_GPU = 1" : line);
            }
            return 0;
        }
        if (argv.contains("-h") || argv.contains("--help")) {
            for (String line : real(List.of("-h"), "").stdout) {
                if (line.startsWith("  -h, --help")) {
                    // main.c usage(), 7.0.5 :139-148, 7.0.6 :138-144
                    if (is705()) {
                        System.out.println("  -gpu         Use GPU-ECM for stage 1.");
                        if (cgbnBuild) {
                            System.out.println("  -cgbn        Use CGBN for GPU-ECM stage 1 computation.");
                        }
                    } else {
                        System.out.println("  -gpu         Use CGBN for computations stage 1.");
                    }
                    System.out.println("  -gpudevice n Use device n to execute GPU code (by default, CUDA chooses)");
                    System.out.println("  -gpucurves n Compute on n curves in parallel on the GPU (by default, CUDA chooses)");
                }
                System.out.println(line);
            }
            return 0;
        }
        if (argv.contains("-cgbn") && is705() && !cgbnBuild) {
            System.err.println("CGBN not present; configure with --with-cgbn-include");
            return 1;
        }
        if (!argv.contains("-gpu") && !argv.contains("-cgbn")) {
            // anything else (the banner probe, CPU curves): the real ecm, presented as this GPU build
            Output out = real(argv, readAll());
            out.stdout.forEach(l -> System.out.println(l.startsWith("GMP-ECM ") ? banner() : l));
            return out.exitCode;
        }
        return gpuStage1(argv);
    }

    private int gpuStage1(List<String> argv) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        List<String> positional = new ArrayList<>();
        boolean cgbn = !is705() || argv.contains("-cgbn");
        boolean verbose = argv.contains("-v");
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            switch (a) {
                case "-gpu", "-cgbn", "-v", "-q" -> { }
                case "-gpudevice", "-gpucurves", "-save", "-c", "-sigma", "-param" -> opts.put(a, argv.get(++i));
                default -> {
                    if (a.startsWith("-")) {
                        System.err.println("Unknown option: " + a);
                        return 1;
                    }
                    positional.add(a);
                }
            }
        }
        if (opts.containsKey("-param") && !opts.get("-param").equals("3")) {
            System.err.println("GPU: Error, only param = ECM_PARAM_BATCH_32BITS_D is accepted on GPU.");
            return 1;
        }
        int device = Integer.parseInt(opts.getOrDefault("-gpudevice", "0"));
        if (device >= DEVICES) {
            System.err.println("GPU: Error: Could not use device " + device);
            return 1;
        }
        long b1 = Long.parseLong(positional.getFirst());
        int requested = Integer.parseInt(opts.getOrDefault("-gpucurves", "0"));
        int batch = requested == 0 ? DEFAULT_BATCH : (requested + CURVES_BY_BLOCK - 1) / CURVES_BY_BLOCK * CURVES_BY_BLOCK;
        int count = Integer.parseInt(opts.getOrDefault("-c", "1"));
        Path save = opts.containsKey("-save") ? Path.of(opts.get("-save")) : null;
        if (save != null && Files.exists(save)) {
            System.out.println("Save file " + save + " already exists, will not overwrite");
            return 1;
        }
        String input = readAll().strip().lines().findFirst().orElse("");
        BigInteger n = new BigInteger(input);
        if (!cgbn && n.bitLength() > 1017) {
            System.err.println("GPU: Error, input number should be stricly lower than 2^1018");
            return 1;
        }
        Long userSigma = opts.containsKey("-sigma") ? Long.parseLong(opts.get("-sigma").replace("3:", "")) : null;

        System.out.println(banner());
        System.out.println("Input number is " + input + " (" + input.length() + " digits)");
        int exitCode = 0;
        int cnt = count;
        boolean first = true;
        while (cnt > 0) {
            if (!first) {
                System.out.println("Run " + (count - cnt + 1) + " out of " + count + ":");
            }
            first = false;
            long s0 = userSigma != null ? userSigma : ThreadLocalRandom.current().nextLong(2, (1L << 32) - batch - 1);
            System.out.println(is705()
                    ? String.format("Using B1=%d, B2=0, sigma=3:%d-3:%d (%d curves)", b1, s0, s0 + batch - 1, batch)
                    : String.format("Using B1=%d, B2=0, sigma=3:%d-%d (%d curves)", b1, s0, s0 + batch - 1, batch));
            long bits = Math.round(b1 / Math.log(2));
            if (cgbn && bits >= 100_000_000L) {
                System.out.printf("GPU: Large B1, S = %d bits = %d MB%n", bits, bits >> (is705() ? 20 : 23));
            }
            if (verbose && cgbn) {
                System.out.printf("Computing %d bits/call, %d/%d (%.1f%%)%n", 100, 1, bits, 100.0 / bits);
            }
            long t0 = System.nanoTime();
            List<BigInteger> hits = new ArrayList<>();
            List<String> cpuLines = new ArrayList<>();
            for (int k = 0; k < batch; k++) {
                long sigma = s0 + k;
                Path tmp = Files.createTempFile("standin", ".sav");
                Files.delete(tmp);
                Output out = real(List.of("-param", "3", "-sigma", "3:" + sigma, "-save", tmp.toString(), Long.toString(b1), "0"),
                        n + "\n");
                for (String l : out.stdout) {
                    if (l.startsWith("********** Factor found in step 1: ")) {
                        BigInteger f = new BigInteger(l.substring(l.lastIndexOf(' ') + 1));
                        long printed = is705() && cgbn && sigma >= (1L << 31) ? sigma - (1L << 32) : sigma;
                        System.out.printf("GPU: factor %s found in Step 1 with curve %d (-sigma 3:%d)%n", f, k, printed);
                        hits.add(f);
                    }
                }
                cpuLines.add(Files.exists(tmp) ? Files.readAllLines(tmp).stream().filter(l -> !l.isBlank()).findFirst().orElse(null) : null);
                Files.deleteIfExists(tmp);
            }
            if (verbose && cgbn) {
                System.out.println("Copying results back to CPU ...");
            }
            long ms = Math.max(1, (System.nanoTime() - t0) / 1_000_000);
            System.out.printf("Computing %d Step 1 took %dms of CPU time / %dms of GPU time%n", batch, ms / 10, ms);
            if (verbose) {
                System.out.printf("Throughput: %.3f curves per second (on average %.2fms per Step 1)%n",
                        1000.0 * batch / ms, (double) ms / batch);
            }
            cnt = cnt <= batch ? 0 : cnt - batch;

            BigInteger batchN = n;
            boolean nPrime = false;
            if (!hits.isEmpty()) {
                int rc = 0;
                for (BigInteger g : reduce(hits)) {
                    BigInteger f = g.gcd(n);
                    if (f.equals(BigInteger.ONE)) {
                        continue; // all of g was already found (auxi.c: "GPU case")
                    }
                    System.out.println("********** Factor found in step 1: " + f);
                    if (f.equals(n)) {
                        System.out.println("Found input number N");
                        n = BigInteger.ONE;
                        rc = 8;
                        cnt = 0;
                        break;
                    }
                    n = n.divide(f);
                    boolean fPrime = Primality.isPrime(f);
                    nPrime = Primality.isPrime(n);
                    System.out.printf("Found %s factor of %d digits: %s%n", fPrime ? "prime" : "composite", f.toString().length(), f);
                    rc = fPrime && rc == 0 ? (nPrime ? 14 : 6) : (nPrime ? 10 : 2);
                    System.out.printf("%s cofactor %s has %d digits%n", nPrime ? "Prime" : "Composite", n, n.toString().length());
                    if (nPrime) {
                        cnt = 0;
                    }
                }
                exitCode = rc;
            }
            if (save != null && !nPrime) {
                List<String> lines = new ArrayList<>();
                for (int k = 0; k < batch; k++) {
                    lines.add(gpuLine(cpuLines.get(k), s0 + k, b1, batchN, n));
                }
                Files.write(save, lines, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
        }
        return exitCode;
    }

    /** The hit values made pairwise coprime, ascending, as cudawrapper.c reducefactors() does. */
    static List<BigInteger> reduce(List<BigInteger> hits) {
        List<BigInteger> parts = new ArrayList<>(hits.stream().distinct().toList());
        boolean changed = true;
        while (changed) {
            changed = false;
            parts.removeIf(p -> p.equals(BigInteger.ONE));
            outer:
            for (int i = 0; i < parts.size(); i++) {
                for (int j = i + 1; j < parts.size(); j++) {
                    BigInteger a = parts.get(i);
                    BigInteger b = parts.get(j);
                    if (a.equals(b)) {
                        parts.remove(j);
                        changed = true;
                        break outer;
                    }
                    BigInteger g = a.gcd(b);
                    if (!g.equals(BigInteger.ONE)) {
                        parts.set(i, a.divide(g));
                        parts.set(j, b.divide(g));
                        parts.add(g);
                        changed = true;
                        break outer;
                    }
                }
            }
        }
        parts.removeIf(p -> p.equals(BigInteger.ONE));
        parts.sort(null);
        return parts;
    }

    /**
     * The save line of one GPU curve: the CPU's line for the same curve with the residue reduced modulo the cofactor
     * {@code n} left after the batch, no Y field, this build's PROGRAM. After the whole number was found {@code n}
     * is 1 and the line says N=1, X=0x0, as resume.c write_resumefile writes it then.
     */
    private String gpuLine(String cpuLine, long sigma, long b1, BigInteger batchN, BigInteger n) {
        Map<String, String> fields;
        BigInteger x;
        ResidueParser.Parsed parsed = cpuLine == null ? null : ResidueParser.parse(1, cpuLine);
        if (parsed instanceof ResidueParser.Good good) { // N=1 lines (the CPU curve found all of N) are not Good
            Residue r = good.residue();
            fields = new LinkedHashMap<>(r.fields());
            x = r.x().mod(n);
        } else if (n.equals(BigInteger.ONE)) {
            // resume.c write_resumefile_line field order; WHO and TIME as the CPU wrote them for this curve
            fields = new LinkedHashMap<>();
            fields.put("METHOD", "ECM");
            fields.put("PARAM", "3");
            fields.put("SIGMA", Long.toString(sigma));
            fields.put("B1", Long.toString(b1));
            fields.put("N", "1");
            fields.put("X", "0x0");
            fields.put("CHECKSUM", "0");
            fields.put("PROGRAM", "");
            fields.put("X0", "0x0");
            fields.put("Y0", "0x0");
            for (String tag : List.of("WHO", "TIME")) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b" + tag + "=([^;]*);")
                        .matcher(cpuLine == null ? "" : cpuLine);
                if (m.find()) {
                    fields.put(tag, m.group(1));
                }
            }
            x = BigInteger.ZERO;
        } else {
            throw new IllegalStateException("stand-in: the CPU saved no line for sigma 3:" + sigma + " of " + batchN
                    + " but the cofactor " + n + " is composite");
        }
        fields.remove("Y");
        fields.put("N", n.toString());
        fields.put("X", "0x" + x.toString(16));
        fields.put("CHECKSUM", Long.toString(ResidueChecksum.compute(b1, BigInteger.valueOf(sigma), 3, n, x, null)));
        fields.put("PROGRAM", "GMP-ECM " + version());
        return ResidueFormat.format(fields);
    }

    private String banner() {
        return "GMP-ECM " + version() + " [configured with GMP 6.2.1, --enable-gpu] [ECM]";
    }

    private static String readAll() throws IOException {
        return new String(System.in.readAllBytes(), StandardCharsets.US_ASCII);
    }

    private record Output(List<String> stdout, int exitCode) {
    }

    private Output real(List<String> args, String stdin) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(realEcm);
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String l;
            while ((l = r.readLine()) != null) {
                out.add(l);
            }
        }
        return new Output(out, p.waitFor());
    }
}
