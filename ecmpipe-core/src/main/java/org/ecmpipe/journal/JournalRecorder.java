package org.ecmpipe.journal;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.ecmpipe.ecm.ChildProcesses;
import org.ecmpipe.ecm.FoundFactor;
import org.ecmpipe.ecm.Sigma;
import org.ecmpipe.pipeline.PipelineListener;
import org.ecmpipe.pipeline.PlannedNumber;
import org.ecmpipe.result.CompositeResult;
import org.ecmpipe.stage1.Stage1Result;
import org.ecmpipe.stage2.Stage2Result;

/**
 * Writes the pipeline's progress and every ecm child's start and exit to the journal, each durable before the
 * pipeline goes on (the listener calls are synchronous), and turns journal entries back into reusable work.
 */
public final class JournalRecorder implements PipelineListener, ChildProcesses.Listener {
    private final Journal journal;

    public JournalRecorder(Journal journal) {
        this.journal = journal;
    }

    private static String key(PlannedNumber n) {
        return n.composite().value().toString();
    }

    @Override
    public void stage1Started(String producer, PlannedNumber number) {
        journal.append(new JournalEvent.Stage1Started(Instant.now(), key(number)));
    }

    @Override
    public void stage1Finished(String producer, PlannedNumber number, Stage1Result result) {
        if (result.failed()) {
            return;
        }
        Path file = result.residueFile();
        String sha = Files.exists(file) ? sha256(file) : null;
        journal.append(new JournalEvent.Stage1Done(Instant.now(), key(number), file.toString(), sha, result.curves(),
                result.elapsed().toNanos() / 1e9, entries(result.factors()), result.ecmVersion()));
    }

    @Override
    public void stage2Interrupted(PlannedNumber number, Stage2Result partial) {
        journal.append(new JournalEvent.Stage2Partial(Instant.now(), key(number), new ArrayList<>(partial.completedLines()),
                partial.elapsed().toNanos() / 1e9, entries(partial.factors())));
    }

    @Override
    public void numberFinished(PlannedNumber number, CompositeResult result) {
        journal.append(new JournalEvent.ResultWritten(Instant.now(), key(number), result.status().wire()));
    }

    /** Records a settled number (prime, trial division) whose result was written without the pipeline. */
    public void settled(CompositeResult result) {
        journal.append(new JournalEvent.ResultWritten(Instant.now(), result.composite().toString(), result.status().wire()));
    }

    @Override
    public void started(Process process, List<String> command) {
        Instant start = process.info().startInstant().orElse(null);
        journal.append(new JournalEvent.ProcessStarted(Instant.now(), process.pid(), start, String.join(" ", command)));
    }

    @Override
    public void exited(Process process) {
        journal.append(new JournalEvent.ProcessEnded(Instant.now(), process.pid()));
    }

    /**
     * The number with the work an earlier run did on it: a finished stage 1 whose residue file is still there and
     * unchanged, and any stage-2 curves an interrupted run completed.
     *
     * @return the number as planned when nothing can be reused
     */
    public PlannedNumber resume(PlannedNumber number, long b1) {
        JournalState state = journal.state();
        Optional<JournalEvent.Stage1Done> done = state.stage1Done(key(number));
        if (done.isEmpty()) {
            return number;
        }
        JournalEvent.Stage1Done d = done.get();
        Path file = Path.of(d.residueFile());
        if (d.sha256() != null && (!Files.exists(file) || !d.sha256().equals(sha256(file)))) {
            return number; // residue file gone or altered: stage 1 again
        }
        Stage1Result stage1 = new Stage1Result(number.ecmInput(), b1, d.curves(), file, factors(d.factors()),
                Duration.ofNanos((long) (d.seconds() * 1e9)), 0, d.ecmVersion(), null);
        PlannedNumber.PriorStage2 prior = state.partialStage2(key(number))
                .map(p -> new PlannedNumber.PriorStage2(p.completedLines(), p.seconds(), factors(p.factors())))
                .orElse(null);
        return number.resuming(stage1, prior);
    }

    private static List<JournalEvent.FoundFactorEntry> entries(List<FoundFactor> factors) {
        return factors.stream().map(f -> new JournalEvent.FoundFactorEntry(f.factor().toString(), f.step(),
                f.sigma() == null ? null : f.sigma().toString())).toList();
    }

    private static List<FoundFactor> factors(List<JournalEvent.FoundFactorEntry> entries) {
        return entries.stream().map(e -> new FoundFactor(new BigInteger(e.factor()), e.step(),
                e.sigma() == null ? null : Sigma.parse(e.sigma()))).toList();
    }

    static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            return "unreadable: " + e.getMessage();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
