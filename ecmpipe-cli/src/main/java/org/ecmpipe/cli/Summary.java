package org.ecmpipe.cli;

import java.io.PrintWriter;
import java.math.BigInteger;
import java.util.stream.Collectors;
import org.ecmpipe.batch.BatchOutcome;
import org.ecmpipe.composite.Composite;
import org.ecmpipe.pipeline.PipelineReport;
import org.ecmpipe.result.CompositeResult;
import org.ecmpipe.result.Factor;

/** The table printed at the end of a run: one row per number, in input order, then the totals. */
final class Summary {
    private final BatchOutcome outcome;
    private final String stage1Device;

    /** @param stage1Device what ran stage 1, for the busy line: "GPU" or "CPU stage-1" */
    Summary(BatchOutcome outcome, String stage1Device) {
        this.outcome = outcome;
        this.stage1Device = stage1Device;
    }

    void print(PrintWriter out) {
        out.printf("%n%-26s %6s  %-8s  %-40s  %-14s %9s %9s%n", "number", "digits", "status", "factors", "cofactor",
                "stage 1", "stage 2");
        for (CompositeResult r : outcome.results()) {
            String factors = r.factors().isEmpty() ? "-" : r.factors().stream().map(Summary::factorText)
                    .collect(Collectors.joining(" "));
            String cofactor = r.cofactor() == null ? "-" : r.cofactor().equals(BigInteger.ONE) ? "1"
                    : (r.cofactorPrime() ? "prime" : "composite") + " c" + r.cofactor().toString().length();
            out.printf("%-26s %6d  %-8s  %-40s  %-14s %8.1fs %8.1fs%n", Composite.abbreviate(r.composite()),
                    r.composite().toString().length(), r.status().wire(), factors, cofactor, r.stage1Seconds(),
                    r.stage2Seconds());
        }
        long failed = outcome.results().stream().filter(r -> r.status() == CompositeResult.Status.FAILED).count();
        long factors = outcome.results().stream().mapToLong(r -> r.factors().size()).sum();
        PipelineReport report = outcome.report();
        out.printf("%nnumbers done: %d of %d (%d failed%s), factors found: %d, elapsed: %s%n",
                outcome.results().size() - failed, outcome.total(), failed,
                outcome.earlier() > 0 ? ", " + outcome.earlier() + " from earlier runs" : "", factors,
                PipelineProgress.formatDuration(report.elapsed().toNanos() / 1e9));
        out.printf("%s busy: %.0f%%, CPU stage-2 busy: %.0f%%%n", stage1Device, 100 * report.stage1BusyFraction(),
                100 * report.stage2BusyFraction());
        if (outcome.submissions() != null) {
            var s = outcome.submissions();
            out.printf("submissions: %d sent, %d already on the server, %d refused, %d waiting in the outbox%s%n",
                    s.accepted(), s.duplicates(), s.rejected(), s.waiting(),
                    s.waiting() > 0 ? " (sent by the next run, or now with 'ecmpipe resend')" : "");
        }
        out.printf("results: %s%n", outcome.resultsFile());
        if (outcome.stopped()) {
            out.printf("stopped before the end: %d of %d number(s) done; run the same command again to go on%n",
                    outcome.results().size(), outcome.total());
        }
        out.flush();
    }

    private static String factorText(Factor f) {
        String s = f.factor().toString().length() <= 20 ? f.factor().toString() : "p" + f.factor().toString().length();
        return s + (f.exponent() > 1 ? "^" + f.exponent() : "") + (f.prime() ? "" : "(c)");
    }
}
