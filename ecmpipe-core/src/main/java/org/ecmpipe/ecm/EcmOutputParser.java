package org.ecmpipe.ecm;

import java.math.BigInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises GMP-ECM's output lines, CPU and GPU forms alike, of GMP-ECM 7.0.5, 7.0.6 and master (format strings
 * checked in their source: {@code ecm.c} print_B1_B2_poly, {@code cudawrapper.c}, {@code cgbn_stage1.cu},
 * {@code auxi.c} process_newfactor, {@code main.c}). Stateless and thread-safe. Factor values are parsed, never
 * trusted: callers check that they divide N.
 *
 * <p>Version differences handled here: the GPU banner's sigma range is {@code sigma=3:S-3:E (n curves)} on 7.0.5
 * and {@code sigma=3:S-E (n curves)} on 7.0.6 and master (GMP-ECM commit 30b0a677); 7.0.5's CGBN kernel prints the
 * sigma of a {@code GPU: factor} line with {@code %d}, so sigmas of 2^31 and more come out negative (fixed by
 * 88e9b327, in 7.0.6) and are corrected here by adding 2^32.
 */
public final class EcmOutputParser {

    private static final BigInteger TWO_POW_32 = BigInteger.ONE.shiftLeft(32);

    private static final Pattern BANNER = Pattern.compile("^GMP-ECM (\\S+) \\[configured with (.*?)\\](?: \\[(?:ECM|P-1|P\\+1)\\])?\\s*$");
    private static final Pattern INPUT = Pattern.compile("^Input number is (.+) \\((\\d+) digits\\)\\s*$");
    private static final Pattern USING = Pattern.compile(
            "^Using B1=(\\d+)(?:-(\\d+))?, B2=(?:\\d+-)?(\\d+)(?:, polynomial [^,]+)?"
                    + "(?:, sigma=(\\d+):(\\d+)(?:-(?:(\\d+):)?(\\d+) \\((\\d+) curves\\))?)?.*$");
    private static final Pattern STEP_TOOK = Pattern.compile("^Step ([12]) took (\\d+)ms.*$");
    private static final Pattern FACTOR_FOUND = Pattern.compile("^\\*+ Factor found in step ([12]): (\\d+)\\s*$");
    private static final Pattern FOUND_KIND = Pattern.compile("^Found (prime|probable prime|composite) factor of\\s+\\d+ digits: (\\d+)\\s*$");
    private static final Pattern COFACTOR = Pattern.compile("^(Prime|Probable prime|Composite) cofactor (.+) has (\\d+) digits\\s*$");
    private static final Pattern INPUT_FOUND = Pattern.compile("^Found input number N\\s*$");
    private static final Pattern GPU_FACTOR = Pattern.compile(
            "^GPU: factor (\\d+) found in Step ([12]) with curve (\\d+) \\(-sigma (\\d+):(-?\\d+)\\)\\s*$");
    private static final Pattern GPU_STEP1 = Pattern.compile(
            "^Computing (\\d+) Step 1 took (\\d+)ms of CPU time / (\\d+)ms of GPU time\\s*$");
    private static final Pattern GPU_STEP2 = Pattern.compile("^Computing (\\d+) Step 2 on CPU took (\\d+)ms\\s*$");
    private static final Pattern LARGE_B1 = Pattern.compile("^GPU: Large B1, S = ([\\d,.' ]+) bits = (\\d+) MB\\s*$");
    private static final Pattern RUN = Pattern.compile("^Run (\\d+) out of (\\d+):\\s*$");
    private static final Pattern UNKNOWN_TAG = Pattern.compile("^Save file line has unknown tag: (\\S+)\\s*$");

    public EcmLine parse(String line) {
        // each pattern is tried only on lines that start with its literal prefix: most lines are then matched
        // against one pattern instead of up to fourteen (this runs for every line ecm prints)
        Matcher m;
        if (line.startsWith("Step ") && (m = STEP_TOOK.matcher(line)).matches()) {
            return new EcmLine.StepTook(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)));
        }
        if (line.startsWith("Using B1=") && (m = USING.matcher(line)).matches()) {
            BigInteger first = new BigInteger(m.group(1));
            BigInteger b1Done = m.group(2) == null ? null : first;
            BigInteger b1 = m.group(2) == null ? first : new BigInteger(m.group(2));
            Sigma sigma = m.group(4) == null ? null : new Sigma(Integer.parseInt(m.group(4)), new BigInteger(m.group(5)));
            if (m.group(8) == null) {
                return new EcmLine.Using(b1Done, b1, new BigInteger(m.group(3)), sigma, 1);
            }
            // a GPU batch: sigma=P:S-[P:]E (n curves); the range must hold exactly n curves of one parametrization
            int curves = Integer.parseInt(m.group(8));
            BigInteger last = new BigInteger(m.group(7));
            String problem = null;
            if (m.group(6) != null && Integer.parseInt(m.group(6)) != sigma.param()) {
                problem = "the sigma range mixes parametrizations " + sigma.param() + " and " + m.group(6);
            } else if (!last.subtract(sigma.value()).add(BigInteger.ONE).equals(BigInteger.valueOf(curves))) {
                problem = "the sigma range " + sigma.value() + "-" + last + " does not hold " + curves + " curves";
            }
            if (problem != null) {
                return new EcmLine.Unexpected(line, problem);
            }
            return new EcmLine.Using(b1Done, b1, new BigInteger(m.group(3)), sigma, curves);
        }
        if (line.startsWith("Resuming ECM residue")) {
            return new EcmLine.Resuming(line.strip());
        }
        if (line.startsWith("Input number is ") && (m = INPUT.matcher(line)).matches()) {
            return new EcmLine.InputNumber(m.group(1), Integer.parseInt(m.group(2)));
        }
        if (line.startsWith("*") && (m = FACTOR_FOUND.matcher(line)).matches()) {
            return new EcmLine.FactorFound(Integer.parseInt(m.group(1)), new BigInteger(m.group(2)));
        }
        if (line.startsWith("Found ") && (m = FOUND_KIND.matcher(line)).matches()) {
            return new EcmLine.FoundFactorKind(m.group(1), new BigInteger(m.group(2)));
        }
        if (line.contains(" cofactor ") && (m = COFACTOR.matcher(line)).matches()) {
            return new EcmLine.Cofactor(m.group(1), m.group(2), Integer.parseInt(m.group(3)));
        }
        if (line.startsWith("Found input") && INPUT_FOUND.matcher(line).matches()) {
            return new EcmLine.FoundInputNumber();
        }
        if (line.startsWith("GPU: factor ") && (m = GPU_FACTOR.matcher(line)).matches()) {
            BigInteger sigma = new BigInteger(m.group(5));
            if (sigma.signum() < 0) {
                sigma = sigma.add(TWO_POW_32); // GMP-ECM 7.0.5 CGBN printed the 32-bit sigma as a signed int
            }
            return new EcmLine.GpuFactor(new BigInteger(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)), new Sigma(Integer.parseInt(m.group(4)), sigma));
        }
        if (line.startsWith("Computing ") && (m = GPU_STEP1.matcher(line)).matches()) {
            return new EcmLine.GpuStep1Took(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)));
        }
        if (line.startsWith("Computing ") && (m = GPU_STEP2.matcher(line)).matches()) {
            return new EcmLine.GpuStep2Took(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)));
        }
        if (line.startsWith("GPU: Large B1") && (m = LARGE_B1.matcher(line)).matches()) {
            return new EcmLine.GpuLargeB1(Long.parseLong(m.group(1).replaceAll("[^0-9]", "")));
        }
        if (line.startsWith("Run ") && (m = RUN.matcher(line)).matches()) {
            return new EcmLine.Run(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        }
        if (line.startsWith("Save file line has unknown tag: ") && (m = UNKNOWN_TAG.matcher(line)).matches()) {
            return new EcmLine.UnknownTag(m.group(1));
        }
        if (line.startsWith("GMP-ECM ") && (m = BANNER.matcher(line)).matches()) {
            return new EcmLine.Banner(m.group(1), m.group(2));
        }
        return new EcmLine.Other(line);
    }
}
