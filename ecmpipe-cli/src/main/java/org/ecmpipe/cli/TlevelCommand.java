package org.ecmpipe.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ecmpipe.tlevel.Suggestion;
import org.ecmpipe.tlevel.TLevel;
import org.ecmpipe.tlevel.WorkItem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ecmpipe tlevel}: the t-level of ECM work given as brubsby/t-level curve strings, with that tool's options
 * ({@code -t}, {@code -b}, {@code -c}, {@code -p}, {@code -e}, {@code -r}), from GMP-ECM's own probability model.
 */
@Command(name = "tlevel", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print the t-level of ECM work: the factor size (in digits) the work would have found with"
                + " probability 1 - 1/e, from GMP-ECM 7's own probability model (the one behind ecm -v's expected-curves"
                + " table) and brubsby/t-level's definition, e.g. 1071@1e6 -> t35.001.",
                "",
                "Items are curve strings " + CurveStrings.SYNTAX + " (brubsby/t-level's syntax), separated by ';',"
                        + " spaces or newlines: 5208@11e6, 5208@11e6,35e9,p=3, 5208@B1=11e6,B2=35e9,param=0, or"
                        + " 5208/8192@11e6 (5208 curves with stage 2 plus 2984 with stage 1 only). No B2: GMP-ECM's"
                        + " default B2 for the B1 (NTT, numbers below 2^1920); B2 = 0: stage 1 only; param defaults to 1"
                        + " (GPU curves are p=3). With no ITEMS, or '-', items are read from standard input (end it"
                        + " with Ctrl-D at a terminal)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:printed", "2:usage error or malformed item (named in the message)"})
public final class TlevelCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "ITEMS", arity = "0..*",
            description = "Curve strings, or '-' for standard input (the default when none are given).")
    private List<String> items = new ArrayList<>();

    @Option(names = {"-t", "--target"}, paramLabel = "T",
            description = "Also suggest curves@B1 that bring the work to t-level T (0 < T < 100): the fewest curves at"
                    + " B1 (-b), the smallest two-digit B1 for that many curves (-c), or else curves at the B1 of"
                    + " Zimmermann's fit exp(0.075 log2(10^T) + 5.332), as brubsby/t-level picks it.")
    private Double target;

    @Option(names = "-b", paramLabel = "B1", description = "With -t: the B1 to suggest curves at (11e6 style).")
    private String b1;

    @Option(names = {"-c", "--curves"}, paramLabel = "CURVES", description = "With -t: the number of curves to suggest a B1 for.")
    private Long curves;

    @Option(names = {"-p", "--param"}, paramLabel = "P",
            description = "With -t: the param (0-3) of the suggested curves. Default: 1.")
    private Integer param;

    @Option(names = {"-e", "--efs"}, description = "Also print the expected factor size (efs:...), as brubsby/t-level does.")
    private boolean efs;

    @Option(names = {"-r", "--precision"}, paramLabel = "DIGITS", defaultValue = "3",
            description = "Decimals to print. Default: ${DEFAULT-VALUE}.")
    private int precision;

    @Override
    public Integer call() throws IOException {
        checkOptions();
        List<WorkItem> work = parseItems();
        PrintWriter out = spec.commandLine().getOut();
        out.println("t" + decimals(TLevel.of(work)));
        if (efs) {
            out.println("efs:" + decimals(TLevel.expectedFactorSize(work)));
        }
        if (target != null) {
            Suggestion s = suggest(work);
            if (s.curves() == 0) {
                out.println("The work already reaches t" + level(s.tLevel()) + "; nothing more to run.");
            } else {
                out.println("Running the following will get you to t" + level(s.tLevel()) + ":");
                out.println(s.curveString());
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    private void checkOptions() {
        if (target == null && (b1 != null || curves != null || param != null)) {
            throw usage("-b, -c and -p can only be used with -t");
        }
        if (b1 != null && curves != null) {
            throw usage("-b and -c cannot both be given: fix either B1 or the number of curves");
        }
        if (target != null && !(target > 0 && target < 100)) {
            throw usage("-t: the target t-level must be above 0 and below 100, got " + target);
        }
        if (param != null && (param < 0 || param > 3)) {
            throw usage("-p: param must be 0, 1, 2 or 3, got " + param);
        }
        if (curves != null && curves < 1) {
            throw usage("-c: the number of curves must be at least 1, got " + curves);
        }
        if (precision < 0 || precision > 12) {
            throw usage("-r: precision must be 0 to 12 decimals, got " + precision);
        }
    }

    private List<WorkItem> parseItems() throws IOException {
        // the arguments as one text, so that "5208@11e6, 35e9" split by the shell is still one item
        StringBuilder arguments = new StringBuilder();
        boolean stdin = items.isEmpty();
        for (String item : items) {
            if (item.equals("-")) {
                stdin = true;
            } else {
                arguments.append(item).append(' ');
            }
        }
        List<String> texts = new ArrayList<>(List.of(arguments.toString()));
        if (stdin) {
            texts.add(new String(System.in.readAllBytes(), StandardCharsets.UTF_8));
        }
        List<WorkItem> work = new ArrayList<>();
        int n = 0;
        for (String text : texts) {
            for (String item : CurveStrings.split(text)) {
                n++;
                try {
                    for (WorkItem w : CurveStrings.parse(item)) {
                        // plans stage 2 now, so that a B2 ecm would refuse is reported with its item
                        TLevel.curveProbability(w, 10);
                        work.add(w);
                    }
                } catch (IllegalArgumentException e) {
                    throw usage("item " + n + ": " + e.getMessage());
                }
            }
        }
        return work;
    }

    private Suggestion suggest(List<WorkItem> work) {
        int p = param == null ? 1 : param;
        try {
            if (b1 != null) {
                return TLevel.curvesToReach(work, target, CurveStrings.longValue(b1, "B1"), p);
            }
            if (curves != null) {
                return TLevel.b1ToReach(work, target, curves, p);
            }
            return TLevel.suggest(work, target, p);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private String decimals(double v) {
        return String.format(Locale.ROOT, "%." + precision + "f", v);
    }

    private String level(double t) {
        return Double.isInfinite(t) ? "100+ (beyond the 100 digits t-levels are computed for)" : decimals(t);
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
