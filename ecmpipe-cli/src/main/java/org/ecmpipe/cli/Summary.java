package org.ecmpipe.cli;

import java.io.PrintWriter;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.ecmpipe.batch.BatchOutcome;
import org.ecmpipe.composite.Composite;
import org.ecmpipe.pipeline.PipelineReport;
import org.ecmpipe.result.CompositeResult;
import org.ecmpipe.result.Factor;

/**
 * What a run prints at the end: one row per number in input order (numbers as the user wrote them), every factor in
 * full digits (to copy), the totals, and where the results are.
 */
final class Summary {
    private static final int NUMBER_WIDTH = 26;
    private static final int FACTORS_WIDTH = 40;

    private final BatchOutcome outcome;
    private final String stage1Device;

    /** @param stage1Device what ran stage 1, for the busy line: "GPU" or "CPU stage-1" */
    Summary(BatchOutcome outcome, String stage1Device) {
        this.outcome = outcome;
        this.stage1Device = stage1Device;
    }

    /**
     * Each number's t-level from all its work in the results file (every B1 level and round, recomputed, never added
     * up), so a step-up or a run towards a target shows where the number stands, not only this run's share.
     */
    private java.util.Map<BigInteger, Double> totalTLevels() {
        java.util.Map<BigInteger, List<org.ecmpipe.tlevel.WorkItem>> work = new java.util.HashMap<>();
        try {
            for (CompositeResult r : org.ecmpipe.result.ResultsFile.read(outcome.resultsFile()).results()) {
                if (r.status() == CompositeResult.Status.DONE) {
                    work.computeIfAbsent(r.composite(), k -> new ArrayList<>()).addAll(r.work());
                }
            }
        } catch (java.io.IOException e) {
            return java.util.Map.of(); // the table then shows this run's figures
        }
        java.util.Map<BigInteger, Double> out = new java.util.HashMap<>();
        work.forEach((n, items) -> {
            if (!items.isEmpty()) {
                out.put(n, org.ecmpipe.tlevel.TLevel.of(items));
            }
        });
        return out;
    }

    void print(PrintWriter out) {
        java.util.Map<BigInteger, Double> totals = totalTLevels();
        out.printf("%n%-" + NUMBER_WIDTH + "s %6s  %-8s  %-" + FACTORS_WIDTH + "s  %-8s %7s %9s %9s  %s%n", "number", "digits",
                "status", "factors", "cofactor", "t-level", "stage 1", "stage 2", "");
        List<String> factorizations = new ArrayList<>();
        for (CompositeResult r : outcome.results()) {
            String factors = r.factors().isEmpty() ? "-" : r.factors().stream().map(Summary::factorText)
                    .collect(Collectors.joining(" "));
            if (factors.length() > FACTORS_WIDTH) {
                factors = r.factors().stream().map(Summary::shortFactorText).collect(Collectors.joining(" "));
            }
            String cofactor = r.cofactor() == null ? "-" : r.cofactor().equals(BigInteger.ONE) ? "1"
                    : (r.cofactorPrime() ? "p" : "c") + r.cofactor().toString().length();
            boolean earlier = outcome.earlier().contains(r.composite());
            String note = earlier ? "(earlier run)" : "";
            if (r.status() == CompositeResult.Status.FAILED) {
                note = (note + " " + r.reasonText()).strip();
            }
            Double t = totals.getOrDefault(r.composite(), r.tLevel());
            String tLevel = t == null ? "-" : String.format("t%.2f", t);
            out.printf("%-" + NUMBER_WIDTH + "s %6d  %-8s  %-" + FACTORS_WIDTH + "s  %-8s %7s %8.1fs %8.1fs  %s%n",
                    shown(r), r.composite().toString().length(), r.status().wire(), factors, cofactor, tLevel,
                    r.stage1Seconds(), r.stage2Seconds(), note);
            if (!r.factors().isEmpty()) {
                factorizations.add(factorization(r));
            }
        }
        if (!factorizations.isEmpty()) {
            out.printf("%nfactors (full digits):%n");
            factorizations.forEach(f -> out.println("  " + f));
        }
        long failed = outcome.results().stream().filter(r -> r.status() == CompositeResult.Status.FAILED).count();
        long factors = outcome.results().stream().mapToLong(r -> r.factors().size()).sum();
        PipelineReport report = outcome.report();
        out.printf("%nnumbers done: %d of %d (%d failed%s), factors found: %d, elapsed: %s%n",
                outcome.results().size() - failed, outcome.total(), failed,
                outcome.earlier().isEmpty() ? "" : ", " + outcome.earlier().size() + " from earlier runs", factors,
                PipelineProgress.formatDuration(report.elapsed().toNanos() / 1e9));
        out.printf("%s busy: %.0f%%, CPU stage-2 busy: %.0f%%%n", stage1Device, 100 * report.stage1BusyFraction(),
                100 * report.stage2BusyFraction());
        if (outcome.submissions() != null) {
            var s = outcome.submissions();
            out.printf("submissions: %d sent, %d already on the server, %d refused, %d waiting in the outbox%s%n",
                    s.accepted(), s.duplicates(), s.rejected(), s.waiting(),
                    s.waiting() > 0 ? " (sent by the next run, or now with 'ecmpipe resend')" : "");
        }
        if (outcome.results().stream().anyMatch(r -> r.status() == CompositeResult.Status.FAILED
                && outcome.earlier().contains(r.composite()))) {
            out.println("numbers that failed in an earlier run are not run again: add --retry-failed to try them again");
        }
        out.printf("results: %s%n", outcome.resultsFile());
        if (outcome.stopped()) {
            out.printf("stopped before the end (%d number(s) finished in this run); run the same command again to go on%n",
                    outcome.results().size() - outcome.earlier().size());
        }
        out.flush();
    }

    /** The number as the user wrote it when that fits, else its first and last digits. */
    private static String shown(CompositeResult r) {
        return r.input() != null && r.input().length() <= NUMBER_WIDTH ? r.input() : Composite.abbreviate(r.composite());
    }

    /**
     * {@code 2^67-1 = 193707721 * 761838257287}: every factor in full, smallest first, a prime cofactor among them; a
     * composite cofactor last, as {@code c95 (composite)}.
     */
    private static String factorization(CompositeResult r) {
        java.util.TreeMap<BigInteger, String> primes = new java.util.TreeMap<>();
        r.factors().forEach(f -> primes.put(f.factor(), factorText(f)));
        List<String> parts = new ArrayList<>();
        boolean compositeCofactor = r.cofactor() != null && !r.cofactor().equals(BigInteger.ONE) && !r.cofactorPrime();
        if (r.cofactor() != null && r.cofactorPrime() && !r.cofactor().equals(BigInteger.ONE)) {
            primes.merge(r.cofactor(), r.cofactor().toString(), (a, b) -> a);
        }
        parts.addAll(primes.values());
        if (compositeCofactor) {
            parts.add("c" + r.cofactor().toString().length() + " (composite)");
        }
        String left = r.input() != null ? r.input() : Composite.abbreviate(r.composite());
        return left + " = " + String.join(" * ", parts);
    }

    private static String factorText(Factor f) {
        return f.factor() + (f.exponent() > 1 ? "^" + f.exponent() : "") + (f.prime() ? "" : " (composite)");
    }

    private static String shortFactorText(Factor f) {
        String s = f.factor().toString().length() <= 12 ? f.factor().toString()
                : (f.prime() ? "p" : "c") + f.factor().toString().length();
        return s + (f.exponent() > 1 ? "^" + f.exponent() : "");
    }
}
