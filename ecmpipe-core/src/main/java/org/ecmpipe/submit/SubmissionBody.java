package org.ecmpipe.submit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.List;
import java.util.UUID;
import org.ecmpipe.api.Submission;
import org.ecmpipe.api.SubmissionFormat;
import org.ecmpipe.result.CompositeResult;
import org.ecmpipe.result.Factor;

/**
 * The {@code POST /submit_result} body for one finished number: a {@link Submission} (the wire type the server
 * reads too), with a fresh {@code submission_id} so that a resend is recognised as the same result.
 */
public final class SubmissionBody {
    /** Only writes; the digit limit matters to readers. */
    private static final SubmissionFormat FORMAT = new SubmissionFormat(Integer.MAX_VALUE - 10);

    private SubmissionBody() {
    }

    /** Whether a result reports ECM work worth sending (done, with curves run). */
    public static boolean submittable(CompositeResult r) {
        return r.status() == CompositeResult.Status.DONE && r.curves() > 0;
    }

    /**
     * Whether a result holds factors found before any curve ran (trial division): no ECM work, but news for a server
     * that leased the number to us (a fleet worker sends it; {@code run} sends only results with curves).
     */
    public static boolean settledBeforeEcm(CompositeResult r) {
        return r.status() == CompositeResult.Status.DONE && r.curves() == 0 && !reported(r).isEmpty();
    }

    /**
     * The factors a submission reports: those ECM found first (the first one names the curve's sigma), then those
     * found before ECM (trial division), which the server does not look for itself. Only proper divisors.
     */
    private static List<Factor> reported(CompositeResult r) {
        return java.util.stream.Stream.concat(r.factors().stream().filter(f -> f.stage() > 0),
                        r.factors().stream().filter(f -> f.stage() == 0))
                .filter(f -> f.factor().compareTo(r.composite()) < 0 && f.factor().compareTo(BigInteger.ONE) > 0)
                .toList();
    }

    /**
     * The submission id of a result: derived from what identifies it (number, B1, curves, finishing time, client), so
     * that a result queued again after a crash gets the same id and the server counts it once.
     */
    static String submissionId(CompositeResult r, String clientId) {
        String key = String.join("|", r.composite().toString(), Long.toString(r.b1()), String.valueOf(r.b2()),
                Integer.toString(r.curves()), Integer.toString(r.stage2Curves()), String.valueOf(r.finishedAt()),
                String.valueOf(clientId));
        return UUID.nameUUIDFromBytes(key.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
    }

    /** The wire value for a finished number. */
    public static Submission submission(CompositeResult r, String project, String clientId) {
        List<Factor> reported = reported(r);
        List<Submission.FoundFactor> found = reported.stream()
                .map(f -> new Submission.FoundFactor(f.factor(), f.sigma() == null ? null : f.sigma().toString()))
                .toList();
        Factor first = reported.isEmpty() ? null : reported.getFirst();
        boolean stage2Ran = r.b2() != null && r.b2().signum() > 0;
        return new Submission(submissionId(r, clientId), r.composite(), project, clientId, "ecm", "gmp-ecm",
                r.ecmVersion(),
                new Submission.Parameters(BigInteger.valueOf(r.b1()), r.b2(), r.curves(), r.param(),
                        first == null || first.sigma() == null ? null : first.sigma().toString()),
                new Submission.Results(stage2Ran ? r.stage2Curves() : r.curves(),
                        Math.round((r.stage1Seconds() + r.stage2Seconds()) * 1000) / 1000.0,
                        first == null ? null : first.factor(), found),
                null);
    }

    /** The body as JSON, as it is kept in the outbox and sent. */
    public static ObjectNode of(CompositeResult r, String project, String clientId) {
        return FORMAT.toJson(submission(r, project, clientId));
    }
}
