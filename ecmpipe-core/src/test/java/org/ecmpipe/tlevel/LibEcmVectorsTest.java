package org.ecmpipe.tlevel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Off-table inputs (off-ladder B1, explicit B2 incl. below 20000 and below B1, B2 = 0, no NTT) against GMP-ECM
 * itself: {@code tlevel/libecm-vectors.tsv} holds the stage-2 plan the real {@code ecm -v} printed and libecm's own
 * unrounded {@code ecmprob} for digits 10..100 (made by {@code make-libecm-vectors.py} next to it).
 */
class LibEcmVectorsTest {
    /** Largest relative deviation allowed from libecm's probability; measured: 1.9e-14 (printed by the test). */
    private static final double TOLERANCE = 1e-12;

    @Test
    void planAndProbabilityMatchGmpEcm() throws IOException {
        List<String> problems = new ArrayList<>();
        double worst = 0;
        String worstRow = "";
        double worstPrinted = 0;
        String worstPrintedRow = "";
        int rows = 0;
        try (InputStream in = getClass().getResourceAsStream("/tlevel/libecm-vectors.tsv");
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            assertThat(r.readLine()).isEqualTo("b1\tb2_given\tparam\tntt\tprinted_b2\tdF\tk\tS\tdigits\tprobability");
            String line;
            while ((line = r.readLine()) != null) {
                rows++;
                String[] f = line.split("\t");
                long b1 = Long.parseLong(f[0]);
                BigInteger b2 = f[1].equals("default") ? null : new BigInteger(f[1]);
                int param = Integer.parseInt(f[2]);
                boolean ntt = f[3].equals("1");
                Stage2Plan plan = Stage2Plan.of(b1, b2, ntt);
                Stage2Plan printed = new Stage2Plan(new BigInteger(f[4]), plan.effectiveB2(), Long.parseLong(f[5]),
                        Long.parseLong(f[6]), Integer.parseInt(f[7]));
                if (!plan.equals(printed)) {
                    problems.add(line + ": planned " + plan);
                }
                double expected = Double.parseDouble(f[9]);
                double got = TLevel.curveProbability(new WorkItem(1, b1, b2, param, ntt), Integer.parseInt(f[8]));
                double deviation = expected == 0 ? (got == 0 ? 0 : Double.POSITIVE_INFINITY)
                        : Math.abs(got - expected) / expected;
                if (expected >= 1e-7 && deviation > worstPrinted) {
                    worstPrinted = deviation;
                    worstPrintedRow = line + " got " + got;
                }
                if (deviation > worst) {
                    worst = deviation;
                    worstRow = line + " got " + got;
                }
            }
        }
        System.out.printf("libecm-vectors: %d rows, largest relative deviation %.3g (%s); where p >= 1e-7: %.3g (%s)%n",
                rows, worst, worstRow, worstPrinted, worstPrintedRow);
        assertThat(rows).isEqualTo(29 * 91);
        assertThat(problems).isEmpty();
        assertThat(worst).as(worstRow).isLessThanOrEqualTo(TOLERANCE);
    }

    /** The work item of each case of the file and libecm's probabilities for it, digits 10..100. */
    private Map<WorkItem, double[]> cases() throws IOException {
        Map<WorkItem, double[]> cases = new LinkedHashMap<>();
        try (InputStream in = getClass().getResourceAsStream("/tlevel/libecm-vectors.tsv");
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            r.readLine();
            String line;
            while ((line = r.readLine()) != null) {
                String[] f = line.split("\t");
                WorkItem item = new WorkItem(1, Long.parseLong(f[0]), f[1].equals("default") ? null : new BigInteger(f[1]),
                        Integer.parseInt(f[2]), f[3].equals("1"));
                cases.computeIfAbsent(item, k -> new double[91])[Integer.parseInt(f[8]) - 10] = Double.parseDouble(f[9]);
            }
        }
        return cases;
    }

    /** brubsby/t-level's definition over given probabilities p[item][d - 10]. */
    private static double tLevel(List<Long> curves, List<double[]> p) {
        double[] f = new double[91];
        for (int d = 0; d < 91; d++) {
            double log = 0;
            for (int i = 0; i < p.size(); i++) {
                log += curves.get(i) * Math.log1p(-p.get(i)[d]);
            }
            f[d] = Math.exp(log);
        }
        for (int i = 1; i < 91; i++) {
            if (f[i] > Math.exp(-1)) {
                double m = f[i] - f[i - 1];
                return m == 0 ? 0 : Math.max(0, (Math.exp(-1) - (f[i] - m * (i + 10))) / m);
            }
        }
        return 0;
    }

    @Test
    void tLevelsMatchThoseFromLibEcmsProbabilities() throws IOException {
        double worst = 0;
        Map<WorkItem, double[]> cases = cases();
        List<WorkItem> mixed = new ArrayList<>();
        List<Long> mixedCurves = new ArrayList<>();
        List<double[]> mixedP = new ArrayList<>();
        for (Map.Entry<WorkItem, double[]> c : cases.entrySet()) {
            for (long curves : new long[] {1, 30, 1000, 100_000, 10_000_000}) {
                double expected = tLevel(List.of(curves), List.of(c.getValue()));
                double got = TLevel.of(List.of(c.getKey().withCurves(curves)));
                assertThat(got).as("%d curves like %s", curves, c.getKey()).isCloseTo(expected, within(1e-6));
                worst = Math.max(worst, Math.abs(got - expected));
            }
            long curves = 1 + mixed.size() * 37L;
            mixed.add(c.getKey().withCurves(curves));
            mixedCurves.add(curves);
            mixedP.add(c.getValue());
        }
        double expected = tLevel(mixedCurves, mixedP);
        assertThat(TLevel.of(mixed)).isCloseTo(expected, within(1e-6));
        worst = Math.max(worst, Math.abs(TLevel.of(mixed) - expected));
        System.out.printf("t-levels against libecm's probabilities: %d work lists, largest difference %.3g digits%n",
                cases.size() * 5 + 1, worst);
    }
}
