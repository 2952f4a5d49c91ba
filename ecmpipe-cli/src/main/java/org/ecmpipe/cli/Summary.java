package org.ecmpipe.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.stream.Collectors;
import org.ecmpipe.composite.Composite;
import org.ecmpipe.pipeline.PipelineReport;
import org.ecmpipe.result.CompositeResult;
import org.ecmpipe.result.Factor;

/** The table printed at the end of a run: one row per number, then the totals. */
final class Summary {
    private final List<CompositeResult> results;
    private final PipelineReport report;
    private final String stage1Device;

    /** @param stage1Device what ran stage 1, for the busy line: "GPU" or "CPU stage-1" */
    Summary(List<CompositeResult> results, PipelineReport report, String stage1Device) {
        this.results = results;
        this.report = report;
        this.stage1Device = stage1Device;
    }

    void print(PrintWriter out) {
        out.printf("%n%-26s %6s  %-8s  %-40s  %-14s %9s %9s%n", "number", "digits", "status", "factors", "cofactor",
                "stage 1", "stage 2");
        for (CompositeResult r : results) {
            String factors = r.factors().isEmpty() ? "-" : r.factors().stream().map(Summary::factorText)
                    .collect(Collectors.joining(" "));
            String cofactor = r.cofactor() == null ? "-" : r.cofactor().equals(java.math.BigInteger.ONE) ? "1"
                    : (r.cofactorPrime() ? "prime" : "composite") + " c" + r.cofactor().toString().length();
            out.printf("%-26s %6d  %-8s  %-40s  %-14s %8.1fs %8.1fs%n", Composite.abbreviate(r.composite()),
                    r.composite().toString().length(), r.status().wire(), factors, cofactor, r.stage1Seconds(),
                    r.stage2Seconds());
        }
        long done = results.stream().filter(r -> r.status() != CompositeResult.Status.FAILED).count();
        long factors = results.stream().mapToLong(r -> r.factors().size()).sum();
        out.printf("%nnumbers done: %d of %d (%d failed), factors found: %d, elapsed: %s%n", done, results.size(),
                results.size() - done, factors, PipelineProgress.formatDuration(report.elapsed().toNanos() / 1e9));
        out.printf("%s busy: %.0f%%, CPU stage-2 busy: %.0f%%%n", stage1Device, 100 * report.stage1BusyFraction(),
                100 * report.stage2BusyFraction());
    }

    private static String factorText(Factor f) {
        String s = f.factor().toString().length() <= 20 ? f.factor().toString() : "p" + f.factor().toString().length();
        return s + (f.exponent() > 1 ? "^" + f.exponent() : "") + (f.prime() ? "" : "(c)");
    }
}
