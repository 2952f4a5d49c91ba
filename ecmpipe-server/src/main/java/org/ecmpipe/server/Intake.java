package org.ecmpipe.server;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ecmpipe.api.Submission;
import org.ecmpipe.api.SubmissionFormat;

/**
 * A submission read and checked without the database: its factors (each divides the number; 1 and the number
 * itself are skipped as ecm-wrapper does), its parametrization (given, else the sigma's {@code P:} prefix, else 3
 * when a sigma is given), its work hash (ecm-wrapper's duplicate key) and its content hash (what a reused
 * submission_id must match).
 *
 * @param factors the non-trivial factors with the sigma that found each (null when unknown)
 * @param workHash null when the work has no identity (no sigma, or not ECM): such work is never a duplicate by hash
 */
record Intake(Submission submission, Map<BigInteger, String> factors, int trivialFactors, Integer parametrization,
              String workHash, String contentHash) {

    static Intake of(Submission s, SubmissionFormat format) {
        BigInteger n = s.composite();
        Map<BigInteger, String> factors = new LinkedHashMap<>();
        int trivial = 0;
        var list = s.factors();
        for (int i = 0; i < list.size(); i++) {
            Submission.FoundFactor f = list.get(i);
            String field = s.results().factorsFound().isEmpty() ? "results.factor_found" : "results.factors_found[" + i + "].factor";
            if (f.factor().equals(BigInteger.ONE) || f.factor().equals(n)) {
                trivial++;
                continue;
            }
            if (f.factor().signum() == 0 || n.mod(f.factor()).signum() != 0) {
                throw ApiError.invalid(field, "factor " + abbreviated(f.factor()) + " does not divide the composite");
            }
            factors.putIfAbsent(f.factor(), f.sigma() != null ? f.sigma() : s.parameters().sigma());
        }
        long factorBits = factors.keySet().stream().mapToLong(f -> f.bitLength()).sum();
        if (factorBits > 2L * n.bitLength() + 64) {
            throw ApiError.invalid("results.factors_found", "the factors together are more than twice the size of the"
                    + " composite; a submission reports divisors of one number");
        }
        String sigma = s.parameters().sigma();
        Integer param = s.parameters().parametrization();
        if (param == null && sigma != null) {
            param = sigma.indexOf(':') == 1 ? sigma.charAt(0) - '0' : 3;
        }
        String workHash = null;
        if (s.method().equals("ecm") && sigma != null) {
            String bare = sigma.indexOf(':') == 1 ? sigma.substring(2) : sigma;
            StringBuilder key = new StringBuilder().append(n).append(':').append(s.method()).append(':')
                    .append(s.parameters().b1()).append(':').append(s.parameters().b2() == null ? "0" : s.parameters().b2())
                    .append(':').append(param).append(':').append(bare);
            if (s.results().curvesCompleted() > 1) {
                key.append(":curves:").append(s.results().curvesCompleted());
            }
            workHash = ResultStore.sha256(key.toString());
        }
        return new Intake(s, factors, trivial, param, workHash, ResultStore.sha256(format.toJson(s).toString()));
    }

    /**
     * Curves that ran stage 1: {@code curves} requested or {@code curves_completed}, whichever is more (ecmpipe's
     * client sends the stage-1 count as {@code curves} and the curves whose stage 2 finished as completed).
     */
    int stage1Curves() {
        Integer requested = submission.parameters().curves();
        return Math.max(submission.results().curvesCompleted(), requested == null ? 0 : requested);
    }

    /** Curves that also ran stage 2 at B2: {@code curves_completed}, none when B2 = 0 (stage 1 only). */
    int stage2Curves() {
        BigInteger b2 = submission.parameters().b2();
        return b2 != null && b2.signum() == 0 ? 0 : submission.results().curvesCompleted();
    }

    /** The sigma of the first submitted factor that {@code part} divides (a split part inherits its curve). */
    String sigmaFor(BigInteger part) {
        for (var f : factors.entrySet()) {
            if (f.getKey().mod(part).signum() == 0) {
                return f.getValue();
            }
        }
        return submission.parameters().sigma();
    }

    private static String abbreviated(BigInteger n) {
        return n.bitLength() < 64 ? n.toString() : LogText.number(n);
    }
}
