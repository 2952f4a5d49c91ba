package org.ecmpipe.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import org.ecmpipe.composite.Primality;
import org.ecmpipe.residue.Residue;
import org.ecmpipe.residue.ResidueChecksum;
import org.ecmpipe.residue.ResidueFormat;
import org.ecmpipe.residue.ResidueParser;

/**
 * TEST STAND-IN for a GPU build of GMP-ECM. No machine of this project has a GPU or a GPU build of ecm, so the
 * GPU path is tested against this program, installed as an executable by {@link GpuStandIn}. It accepts GMP-ECM's
 * GPU options ({@code -gpu -cgbn -gpudevice -gpucurves -save -c -sigma}), computes each curve of a batch with the
 * real CPU ecm ({@code -sigma 3:S+k}: the same curve the GPU computes), and prints GPU-mode output in the formats
 * of shared/reference/gmp-ecm.md §2: banner with a sigma range, {@code GPU: factor F found in Step 1 with curve K
 * (-sigma 3:S)} (negative for S >= 2^31 with {@code -cgbn}, like 7.0.5), the batch timing line, {@code Run K out
 * of N:}, reduced factors. Save lines are GPU-style: PARAM=3, no Y field, reduced modulo the cofactor after a
 * factor, none when the cofactor is prime. Differences from a real GPU: it is slow, and stage 1 with B2 &gt; 0
 * is not emulated.
 */
public final class GpuEcmStandIn {
    private static final int CURVES_BY_BLOCK = 32;
    /** Batch size when -gpucurves is absent: 64 per SM on a pretend card with 1 SM. */
    private static final int DEFAULT_BATCH = 64;
    /** Devices 0 .. DEVICES-1 exist. */
    private static final int DEVICES = 2;

    private final String realEcm;

    private GpuEcmStandIn(String realEcm) {
        this.realEcm = realEcm;
    }

    public static void main(String[] args) throws Exception {
        String real = System.getenv().getOrDefault("ECMPIPE_STANDIN_REAL_ECM", "ecm");
        System.exit(new GpuEcmStandIn(real).run(args));
    }

    private int run(String[] args) throws Exception {
        List<String> argv = List.of(args);
        if (argv.contains("-printconfig")) {
            for (String line : real(List.of("-printconfig"), "").stdout) {
                System.out.println(line.startsWith("WITH_GPU") ? "WITH_GPU = 1" : line);
            }
            return 0;
        }
        String version = version();
        if (!argv.contains("-gpu") && !argv.contains("-cgbn")) {
            // anything else (e.g. the banner probe): the real ecm, presented as a GPU build
            Output out = real(argv, readAll());
            out.stdout.forEach(l -> System.out.println(l.startsWith("GMP-ECM ") ? banner(version) : l));
            out.stderr.forEach(System.err::println);
            return out.exitCode;
        }
        return gpuStage1(argv, version);
    }

    private int gpuStage1(List<String> argv, String version) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        List<String> positional = new ArrayList<>();
        boolean cgbn = argv.contains("-cgbn");
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            switch (a) {
                case "-gpu", "-cgbn", "-v", "-q" -> { }
                case "-gpudevice", "-gpucurves", "-save", "-c", "-sigma", "-param" -> opts.put(a, argv.get(++i));
                default -> {
                    if (a.startsWith("-")) {
                        System.out.println("Unknown option: " + a);
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
        int wanted = Integer.parseInt(opts.getOrDefault("-c", "1"));
        int total = (wanted + batch - 1) / batch * batch;
        Path save = opts.containsKey("-save") ? Path.of(opts.get("-save")) : null;
        if (save != null && Files.exists(save)) {
            System.out.println("Save file " + save + " already exists, will not overwrite");
            return 1;
        }
        String input = readAll().strip().lines().findFirst().orElse("");
        BigInteger n = new BigInteger(input);
        long firstSigma = opts.containsKey("-sigma") ? Long.parseLong(opts.get("-sigma").replace("3:", ""))
                : ThreadLocalRandom.current().nextLong(2, (1L << 32) - batch - 1);

        System.out.println(banner(version));
        System.out.println("Input number is " + input + " (" + input.length() + " digits)");
        BigInteger cofactor = n;
        List<String> lines = new ArrayList<>();
        int exitCode = 0;
        int factorEvents = 0;
        for (int done = 0; done < total; done += batch) {
            if (done > 0) {
                System.out.println("Run " + (done + 1) + " out of " + total + ":");
            }
            long s0 = firstSigma + (opts.containsKey("-sigma") ? 0 : done);
            System.out.printf("Using B1=%d, B2=0, sigma=3:%d-3:%d (%d curves)%n", b1, s0, s0 + batch - 1, batch);
            long t0 = System.nanoTime();
            TreeSet<BigInteger> hits = new TreeSet<>();
            List<String> batchLines = new ArrayList<>();
            for (int k = 0; k < batch; k++) {
                long sigma = s0 + k;
                Path tmp = Files.createTempFile("standin", ".sav");
                Files.delete(tmp);
                Output out = real(List.of("-sigma", "3:" + sigma, "-save", tmp.toString(), Long.toString(b1), "0"), n + "\n");
                for (String l : out.stdout) {
                    if (l.startsWith("********** Factor found in step 1: ")) {
                        BigInteger f = new BigInteger(l.substring(l.lastIndexOf(' ') + 1));
                        long printed = cgbn && sigma >= (1L << 31) ? sigma - (1L << 32) : sigma;
                        System.out.printf("GPU: factor %s found in Step 1 with curve %d (-sigma 3:%d)%n", f, k, printed);
                        hits.add(f);
                    }
                }
                if (Files.exists(tmp)) {
                    batchLines.addAll(Files.readAllLines(tmp));
                    Files.delete(tmp);
                }
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("Computing %d Step 1 took %dms of CPU time / %dms of GPU time%n", batch, ms / 10, ms);
            for (BigInteger f : reduce(hits, cofactor)) {
                factorEvents++;
                System.out.println("********** Factor found in step 1: " + f);
                if (f.equals(cofactor)) {
                    System.out.println("Found input number N");
                    exitCode = 8;
                    continue;
                }
                cofactor = cofactor.divide(f);
                boolean fPrime = Primality.isPrime(f);
                boolean cPrime = Primality.isPrime(cofactor);
                System.out.printf("Found %s factor of %d digits: %s%n", fPrime ? "prime" : "composite", f.toString().length(), f);
                System.out.printf("%s cofactor %s has %d digits%n", cPrime ? "Prime" : "Composite", cofactor, cofactor.toString().length());
                exitCode = 2 | (fPrime && factorEvents == 1 ? 4 : 0) | (cPrime ? 8 : 0);
            }
            for (String l : batchLines) {
                lines.add(gpuStyle(l, cofactor));
            }
        }
        if (save != null && !Primality.isPrime(cofactor) && !cofactor.equals(BigInteger.ONE)) {
            Files.write(save, lines.stream().filter(l -> !l.isEmpty()).toList());
        }
        return exitCode;
    }

    /** The hit values made pairwise coprime and proper, ascending, as GMP-ECM's reducefactors() does. */
    private static List<BigInteger> reduce(TreeSet<BigInteger> hits, BigInteger n) {
        TreeSet<BigInteger> parts = new TreeSet<>();
        for (BigInteger h : hits) {
            BigInteger g = h.gcd(n);
            for (BigInteger p : new ArrayList<>(parts)) {
                BigInteger d = p.gcd(g);
                if (!d.equals(BigInteger.ONE)) {
                    parts.remove(p);
                    parts.add(d);
                    if (!p.equals(d)) {
                        parts.add(p.divide(d));
                    }
                    g = g.divide(d).gcd(n);
                }
            }
            if (!g.equals(BigInteger.ONE)) {
                parts.add(g);
            }
        }
        return new ArrayList<>(parts);
    }

    /** A CPU save line made like a GPU one: no Y field, the residue reduced modulo the current cofactor. */
    private static String gpuStyle(String cpuLine, BigInteger cofactor) {
        if (cpuLine.isBlank()) {
            return "";
        }
        Residue r = ((ResidueParser.Good) ResidueParser.parse(1, cpuLine)).residue();
        Map<String, String> fields = new LinkedHashMap<>(r.fields());
        fields.remove("Y");
        if (!r.n().equals(cofactor) && r.n().mod(cofactor).signum() == 0) {
            BigInteger x = r.x().mod(cofactor);
            fields.put("N", cofactor.toString());
            fields.put("X", "0x" + x.toString(16));
            fields.put("CHECKSUM", Long.toString(ResidueChecksum.compute(r.b1(), r.sigma(), 3, cofactor, x, null)));
        }
        return ResidueFormat.format(fields);
    }

    private String version() throws IOException, InterruptedException {
        for (String l : real(List.of("100"), "").stdout) {
            if (l.startsWith("GMP-ECM ")) {
                return l.split(" ")[1];
            }
        }
        return "7.0.5";
    }

    private static String banner(String version) {
        return "GMP-ECM " + version + " [configured with GMP 6.2.1, --enable-gpu] [ECM]";
    }

    private static String readAll() throws IOException {
        return new String(System.in.readAllBytes(), StandardCharsets.US_ASCII);
    }

    private record Output(List<String> stdout, List<String> stderr, int exitCode) {
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
        return new Output(out, List.of(), p.waitFor());
    }
}
