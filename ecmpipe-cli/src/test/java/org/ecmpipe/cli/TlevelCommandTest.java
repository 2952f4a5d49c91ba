package org.ecmpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code ecmpipe tlevel}, driven through the real command line. */
class TlevelCommandTest {
    private StringWriter out = new StringWriter();
    private StringWriter err = new StringWriter();

    private int run(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    private int runWithStdin(String stdin, String... args) {
        InputStream saved = System.in;
        System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        try {
            return run(args);
        } finally {
            System.setIn(saved);
        }
    }

    /** tlevel.md section 5.4: input as typed for brubsby/t-level, and the ecm_model t-level. */
    private static final Map<String, String> SECTION_5_4 = new LinkedHashMap<>();

    static {
        SECTION_5_4.put("107@11e3,p=1", "t20.012");
        SECTION_5_4.put("113@11e3,p=3", "t20.007");
        SECTION_5_4.put("261@5e4,p=1", "t25.004");
        SECTION_5_4.put("513@25e4,p=1", "t30.004");
        SECTION_5_4.put("1071@1e6,p=1", "t35.001");
        SECTION_5_4.put("1116@1e6,p=3", "t35.000");
        SECTION_5_4.put("1071@1e6,p=3", "t34.903");
        SECTION_5_4.put("2753@3e6,p=1", "t40.000");
        SECTION_5_4.put("8704@43e6,p=1", "t50.000");
        SECTION_5_4.put("9009@43e6,p=3", "t50.000");
        SECTION_5_4.put("24@11e3,p=1;85@5e4,p=1;300@25e4,p=1;1000@1e6,p=1", "t34.964");
        SECTION_5_4.put("1000@1e6,p=3", "t34.743");
        SECTION_5_4.put("1000@1e6,1045563762,p=3", "t34.794");
        SECTION_5_4.put("1000@1e6,20000000000,p=3", "t36.101");
        SECTION_5_4.put("1000@1e6,0,p=3", "t28.825");
        SECTION_5_4.put("1000/2000@3e6,p=3", "t37.568");
        SECTION_5_4.put("5000@11000,1000000,p=3", "t25.699");
        SECTION_5_4.put("50@3e6,p=3", "t29.317");
        SECTION_5_4.put("3000@11e6,p=3", "t43.474");
        SECTION_5_4.put("500@3e6,1000000000,p=3;200@11e6,p=3", "t37.350");
        SECTION_5_4.put("1@11e3,p=1", "t10.147");
        SECTION_5_4.put("100@1234567,p=3", "t29.510");
    }

    @Test
    void printsTheTLevelsOfSection54() {
        SECTION_5_4.forEach((input, expected) -> {
            assertThat(run("tlevel", input)).as(input + ": " + err).isZero();
            assertThat(out.toString()).as(input).isEqualTo(expected + System.lineSeparator());
        });
    }

    @Test
    void acceptsEveryFormOfTheSyntax() {
        // the default param is 1, B1= / B2= / param= prefixes, spaces after commas, a bare param after B2
        assertThat(run("tlevel", "1071@B1=1e6")).isZero();
        assertThat(out.toString().trim()).isEqualTo("t35.001");
        assertThat(run("tlevel", "1000@1e6,", "20000000000,", "param=3")).isZero(); // a shell splits after commas
        assertThat(out.toString().trim()).isEqualTo("t36.101");
        assertThat(run("tlevel", "1000@B1=1e6,B2=20e9,3")).isZero();
        assertThat(out.toString().trim()).isEqualTo("t36.101");
        // items in one argument separated by ';', spaces and newlines, and over several arguments
        assertThat(run("tlevel", "24@11e3;85@5e4\n300@25e4", "1000@1e6")).isZero();
        assertThat(out.toString().trim()).isEqualTo("t34.964");
        // 0 curves are no work
        assertThat(run("tlevel", "0@1e6")).isZero();
        assertThat(out.toString().trim()).isEqualTo("t0.000");
        assertThat(run("tlevel", "-r", "1", "1071@1e6")).isZero();
        assertThat(out.toString().trim()).isEqualTo("t35.0");
    }

    @Test
    void readsStandardInputWhenNoItemsOrADash() {
        assertThat(runWithStdin("24@11e3,p=1\n85@5e4,p=1;300@25e4,p=1\r\n1000@1e6,p=1\n", "tlevel")).isZero();
        assertThat(out.toString()).isEqualTo("t34.964" + System.lineSeparator());
        assertThat(runWithStdin("1000/2000@3e6,p=3\n", "tlevel", "-")).isZero();
        assertThat(out.toString().trim()).isEqualTo("t37.568");
        assertThat(runWithStdin("1000@3e6,p=3", "tlevel", "1000@3e6,0,p=3", "-")).isZero();
        assertThat(out.toString().trim()).isEqualTo("t37.568");
        assertThat(runWithStdin("", "tlevel")).isZero();
        assertThat(out.toString().trim()).isEqualTo("t0.000");
    }

    private int runTlevel(String stdin, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "tlevel";
        System.arraycopy(args, 0, all, 1, args.length);
        return runWithStdin(stdin, all);
    }

    @Test
    void expectedFactorSize() {
        assertThat(run("tlevel", "-e", "1071@1e6")).isZero();
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).isEqualTo("t35.001");
        assertThat(lines.get(1)).matches("efs:\\d+\\.\\d{3}");
        double efs = Double.parseDouble(lines.get(1).substring(4));
        assertThat(efs).isBetween(20.0, 40.0);
    }

    @Test
    void suggestsCurvesAtAGivenB1() {
        assertThat(run("tlevel", "-t", "40", "-b", "3e6", "-p", "3", "1000@1e6,p=3")).as(err.toString()).isZero();
        List<String> lines = out.toString().lines().toList();
        assertThat(lines.get(0)).isEqualTo("t34.743");
        assertThat(lines.get(1)).matches("Running the following will get you to t40\\.\\d{3}:");
        assertThat(lines.get(2)).matches("\\d+@3e6,p=3");
        // the suggestion, run, reaches t40; one curve fewer does not
        assertThat(run("tlevel", "1000@1e6,p=3", lines.get(2))).isZero();
        assertThat(Double.parseDouble(out.toString().trim().substring(1))).isGreaterThanOrEqualTo(40.0);
        long curves = Long.parseLong(lines.get(2).substring(0, lines.get(2).indexOf('@')));
        assertThat(run("tlevel", "-r", "9", "1000@1e6,p=3", (curves - 1) + "@3e6,p=3")).isZero();
        assertThat(Double.parseDouble(out.toString().trim().substring(1))).isLessThan(40.0);
        // from nothing (no stdin), param 1: ecm's own 2753 expected curves for t40 at 3e6
        assertThat(runTlevel("", "-t", "40", "-b", "3e6")).isZero();
        assertThat(out.toString().lines().toList()).containsExactly("t0.000",
                "Running the following will get you to t40.000:", "2753@3e6");
        // already there
        assertThat(run("tlevel", "-t", "30", "-b", "3e6", "1000@1e6")).isZero();
        assertThat(out.toString().lines().toList()).containsExactly("t34.839",
                "The work already reaches t34.839; nothing more to run.");
    }

    @Test
    void suggestsB1ForGivenCurvesOrBoth() {
        assertThat(runTlevel("", "-t", "35", "-c", "1000")).isZero();
        List<String> lines = out.toString().lines().toList();
        assertThat(lines.get(2)).matches("1000@\\d+e\\d+");
        assertThat(run("tlevel", lines.get(2))).isZero();
        assertThat(Double.parseDouble(out.toString().trim().substring(1))).isGreaterThanOrEqualTo(35.0);
        // B1 from Zimmermann's fit, as brubsby/t-level picks it: 1.3e6 for t35
        assertThat(runTlevel("", "-t", "35")).isZero();
        assertThat(out.toString().lines().toList().get(2)).matches("\\d+@13e5");
    }

    @Test
    void malformedItemsAreUsageErrorsNamingTheItem() {
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("1000", "malformed item \"1000\"");                                  // no @B1
        bad.put("abc@1e6", "malformed item \"abc@1e6\"");                            // not a number
        bad.put("1000@1.5e6", "malformed item \"1000@1.5e6\"");                      // decimal point
        bad.put("1000@11e", "malformed item \"1000@11e\"");                          // exponent missing
        bad.put("1000@1e6,1e9,p=1,7", "malformed item \"1000@1e6,1e9,p=1,7\"");      // extra field
        bad.put("1000@1e6,p=x", "malformed item \"1000@1e6,p=x\"");                  // param not a number
        bad.put("1000@1e6,p=4", "param 4");                                         // no model for param 4
        bad.put("1000@1e6,p=17", "param 17");
        bad.put("2000/1000@1e6", "stage1_total 1000 is less than the 2000 finished curves");
        bad.put("10@0", "B1 must be >= 1");
        bad.put("99999999999999999999@1e6", "curves 99999999999999999999 is too large");
        bad.put("10@1e30", "B1 1e30 is too large");
        bad.put("10@1e6,1e999", "1e999 is too large");
        bad.put("10@1e6,1e60", "too large");                                         // ecm refuses that stage 2
        bad.put("10@-5", "malformed item \"10@-5\"");
        bad.forEach((item, message) -> {
            assertThat(run("tlevel", "1071@1e6", item)).as(item).isEqualTo(ExitCodes.USAGE);
            assertThat(err.toString()).as(item).contains(message).contains("item 2");
            assertThat(out.toString()).as(item).isEmpty();
        });
        // the same from standard input
        assertThat(runWithStdin("1071@1e6\n1071@@1e6\n", "tlevel")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("item 2: malformed item \"1071@@1e6\"");
    }

    @Test
    void badOptionCombinationsAreUsageErrors() {
        Map<List<String>, String> bad = new LinkedHashMap<>();
        bad.put(List.of("-b", "3e6", "1@1e6"), "-b, -c and -p can only be used with -t");
        bad.put(List.of("-p", "3", "1@1e6"), "-b, -c and -p can only be used with -t");
        bad.put(List.of("-t", "40", "-b", "3e6", "-c", "10", "1@1e6"), "-b and -c cannot both be given");
        bad.put(List.of("-t", "100", "1@1e6"), "above 0 and below 100");
        bad.put(List.of("-t", "40", "-p", "7", "1@1e6"), "param must be 0, 1, 2 or 3");
        bad.put(List.of("-t", "40", "-c", "0", "1@1e6"), "at least 1");
        bad.put(List.of("-t", "40", "-b", "3.5e6", "1@1e6"), "B1 3.5e6 is not a whole number");
        bad.put(List.of("-t", "99", "-c", "1", "1@1e6"), "do not reach t99");
        bad.put(List.of("-t", "x", "1@1e6"), "'x' is not a double");
        bad.forEach((args, message) -> {
            String[] all = new String[args.size() + 1];
            all[0] = "tlevel";
            for (int i = 0; i < args.size(); i++) {
                all[i + 1] = args.get(i);
            }
            assertThat(run(all)).as(args.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(err.toString()).as(args.toString()).contains(message);
        });
    }

    @Test
    void helpDescribesTheCommand() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("tlevel");
        assertThat(run("tlevel", "--help")).isZero();
        assertThat(out.toString()).contains("curves[/stage1_total]@B1[,B2][,p=P]", "-t, --target=T", "-e, --efs",
                "standard input");
    }
}
