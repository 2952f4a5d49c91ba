package org.ecmpipe.ledger;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.ecmpipe.ecm.ChildProcesses;
import org.ecmpipe.ecm.FoundFactor;
import org.ecmpipe.ecm.Sigma;
import org.ecmpipe.pipeline.Checkpoints;
import org.ecmpipe.pipeline.PlannedNumber;
import org.ecmpipe.result.CompositeResult;
import org.ecmpipe.result.ResultsFile;
import org.ecmpipe.stage1.Stage1Result;
import org.ecmpipe.stage2.Stage2Result;
import org.ecmpipe.submit.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A work dir, opened for one run: it owns the on-disk layout ({@link Layout}), holds the one-run-at-a-time lock,
 * keeps the journal, and answers every resume question — which numbers are finished, which stage-1 residue files
 * can be reused (still there, same SHA-256), which stage-2 curves an interrupted run completed, and which results
 * still wait to be submitted. Nothing else builds paths inside it. The model is CADO-NFS's work directory: task
 * state on disk, so any run can be killed and started again.
 */
public final class WorkDir implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkDir.class);

    private final Layout layout;
    private final Path resultsFile;
    private final Clock clock;
    private final WorkDirLock lock;
    private Journal journal;

    private WorkDir(Layout layout, Path resultsFile, Clock clock, WorkDirLock lock, Journal journal) {
        this.layout = layout;
        this.resultsFile = resultsFile;
        this.clock = clock;
        this.lock = lock;
        this.journal = journal;
    }

    /**
     * Opens (creating it if needed) and locks a work dir.
     *
     * @param resultsFile the results file, or null for the work dir's own {@code results.jsonl}
     * @throws WorkDirException when it is not a directory, not writable, or used by another run
     * @throws IOException when its journal cannot be read
     */
    public static WorkDir open(Path root, Path resultsFile, Clock clock) throws IOException {
        Objects.requireNonNull(clock, "clock");
        Layout layout = Layout.of(root);
        createDirectory(root);
        WorkDirLock lock;
        try {
            lock = WorkDirLock.acquire(layout.lockFile());
        } catch (AccessDeniedException e) {
            throw new WorkDirException("cannot use the work dir " + root + ": permission denied (choose a writable --work-dir)");
        }
        try {
            Journal journal = Journal.open(layout.journalFile());
            return new WorkDir(layout, resultsFile != null ? resultsFile : layout.defaultResultsFile(), clock, lock, journal);
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private static void createDirectory(Path root) throws IOException {
        if (Files.exists(root) && !Files.isDirectory(root)) {
            throw new WorkDirException("cannot use the work dir " + root + ": not a directory (it is a file; choose another --work-dir)");
        }
        try {
            Files.createDirectories(root);
        } catch (AccessDeniedException e) {
            throw new WorkDirException("cannot create the work dir " + root + ": permission denied at " + e.getFile()
                    + " (choose a writable --work-dir)");
        } catch (NotDirectoryException | java.nio.file.FileAlreadyExistsException e) {
            throw new WorkDirException("cannot create the work dir " + root + ": " + e.getFile() + " is not a directory");
        } catch (FileSystemException e) {
            String reason = e.getReason() == null ? e.getMessage() : e.getReason().toLowerCase(java.util.Locale.ROOT);
            throw new WorkDirException("cannot create the work dir " + root + ": " + reason);
        }
        if (Files.getFileStore(root).isReadOnly()) {
            throw new WorkDirException("cannot use the work dir " + root + ": it is on a read-only file system (choose"
                    + " another --work-dir)");
        }
        if (!Files.isWritable(root)) {
            throw new WorkDirException("cannot use the work dir " + root + ": permission denied (not writable)");
        }
    }

    public Layout layout() {
        return layout;
    }

    public Path resultsFile() {
        return resultsFile;
    }

    public Outbox outbox() {
        return new Outbox(layout.outboxDir());
    }

    /**
     * {@code --restart}: sets the journal, the results and the residues aside (renamed with a time stamp) and
     * starts afresh; the outbox is kept (what it holds is still owed to the server).
     */
    public void restart() throws IOException {
        restart(null);
    }

    /**
     * {@code --restart}, first queueing the results that were written to be submitted but never reached the outbox
     * (they would be lost with the journal set aside).
     *
     * @param submissions the outbox to queue them in, or null when not submitting
     */
    public void restart(ResultLedger.Submissions submissions) throws IOException {
        if (submissions != null) {
            for (CompositeResult r : writtenNotQueued(earlierResults())) {
                if (submissions.wants(r)) {
                    submissions.enqueue(r);
                }
            }
        }
        String stamp = LocalDateTime.now(clock).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        journal.close();
        if (Files.exists(layout.journalFile())) {
            Files.move(layout.journalFile(), layout.journalAside(stamp));
        }
        if (Files.exists(resultsFile)) {
            Path aside = Layout.resultsAside(resultsFile, stamp);
            Files.move(resultsFile, aside);
            log.warn("--restart: earlier results moved to {}", aside);
        }
        if (Files.isDirectory(layout.residueDir())) {
            Files.move(layout.residueDir(), layout.residuesAside(stamp));
        }
        journal = Journal.open(layout.journalFile());
    }

    /** Ends the ecm processes a crashed earlier run left behind (see {@link OrphanReaper}). */
    public int reapOrphans() throws IOException {
        return OrphanReaper.reap(journal, clock).size();
    }

    /**
     * Why the residues an earlier run left for unfinished numbers cannot be continued with this B1 and
     * parametrization, or empty when they can (or there are none).
     */
    public Optional<String> incompatibility(long b1, int param) {
        JournalState state = journal.state();
        JournalEvent.RunStarted last = state.lastRun().orElse(null);
        if (last == null || state.unfinishedWithStage1().isEmpty()) {
            return Optional.empty();
        }
        if (last.b1() != b1) {
            return Optional.of("holds stage-1 residues at B1=" + last.b1() + " for " + state.unfinishedWithStage1().size()
                    + " unfinished number(s); this run asks for B1=" + b1);
        }
        if (last.param() != param) {
            return Optional.of("holds param-" + last.param() + " residues; this run makes param-" + param + " curves");
        }
        return Optional.empty();
    }

    /** Records the start of a run with the settings that decide whether its residues can be reused. */
    public void runStarted(long b1, int param, int curves, String source) throws IOException {
        journal.append(new JournalEvent.RunStarted(clock.instant(), b1, param, curves, source, ProcessHandle.current().pid()));
    }

    /**
     * Every result already in the results file, by number, oldest first (the results file is the source of truth:
     * a crash between writing a result and journaling it must not run the number again). Lines that are not results
     * are logged and left alone.
     */
    public Map<BigInteger, List<CompositeResult>> earlierResults() throws IOException {
        ResultsFile.Contents contents = ResultsFile.read(resultsFile);
        contents.problems().forEach(p -> log.warn("{} {}: not a result line, ignored", resultsFile, p));
        Map<BigInteger, List<CompositeResult>> out = new LinkedHashMap<>();
        contents.results().forEach(r -> out.computeIfAbsent(r.composite(), k -> new ArrayList<>()).add(r));
        return out;
    }

    /**
     * Brings the journal up to the results file: a number with a stage 1 in the journal and a results line written
     * after it has its result, even if the journal's "result written" never got to disk (a crash or a full disk right
     * after the results line). That entry is written now, marked for submission when submitting, so the result is
     * queued ({@link #writtenNotQueued}) and its residues are no longer taken for unfinished work.
     */
    public void reconcile(Map<BigInteger, List<CompositeResult>> earlier, boolean submitting) throws IOException {
        JournalState state = journal.state();
        for (String n : state.unfinishedWithStage1()) {
            JournalEvent.Stage1Done d = state.stage1Done(n).orElse(null);
            List<CompositeResult> lines = earlier.get(new BigInteger(n));
            if (d == null || lines == null || lines.isEmpty()) {
                continue;
            }
            CompositeResult last = lines.getLast();
            if (last.finishedAt() != null && !last.finishedAt().isBefore(d.at())) {
                log.warn("the result of {} is in {} but was not journaled (a crash or full disk right after writing it):"
                        + " journaling it now", org.ecmpipe.composite.Composite.abbreviate(last.composite()), resultsFile);
                journal.append(new JournalEvent.ResultWritten(clock.instant(), n, last.status().wire(), submitting));
            }
        }
    }

    /**
     * What this run does with a number, given the earlier results: nothing when it is factored or this B1 was
     * already run on it; a step-up (work on its cofactor) when it was done at another B1; a failed number only when
     * {@code retryFailed}.
     */
    public static PriorWork prior(BigInteger number, long b1, boolean retryFailed,
                                  Map<BigInteger, List<CompositeResult>> earlier) {
        return prior(number, b1, retryFailed, false, earlier);
    }

    /**
     * @param moreAtSameB1 this run adds curves at a B1 already run (a round towards a target t-level): such a number
     *     is a step-up too
     */
    public static PriorWork prior(BigInteger number, long b1, boolean retryFailed, boolean moreAtSameB1,
                                  Map<BigInteger, List<CompositeResult>> earlier) {
        List<CompositeResult> lines = earlier.getOrDefault(number, List.of());
        if (lines.isEmpty()) {
            return new PriorWork(PriorWork.Kind.NONE, null);
        }
        CompositeResult latest = lines.getLast();
        // a cofactor of 1 or a prime leaves ECM nothing to work on (a composite factor found whole stays listed as such)
        if (latest.status() == CompositeResult.Status.SKIPPED || latest.cofactorPrime()) {
            return new PriorWork(PriorWork.Kind.FACTORED, latest);
        }
        if (latest.status() == CompositeResult.Status.FAILED) {
            return new PriorWork(retryFailed ? PriorWork.Kind.RETRY : PriorWork.Kind.FAILED, latest);
        }
        boolean sameB1 = !moreAtSameB1
                && lines.stream().anyMatch(r -> r.status() == CompositeResult.Status.DONE && r.b1() == b1);
        return new PriorWork(sameB1 ? PriorWork.Kind.DONE_AT_THIS_B1 : PriorWork.Kind.STEP_UP, latest);
    }

    /**
     * The number with the work an earlier run did on it: a finished stage 1 whose residue file is still there and
     * unchanged (same SHA-256 as when stage 1 ended), and the stage-2 curves an interrupted run completed.
     *
     * @return the number as planned when nothing can be reused
     */
    public PlannedNumber resume(PlannedNumber number, long b1) {
        return resume(number, b1, null);
    }

    /**
     * @param b2 the B2 this run's stage 2 will use (null: not known yet, e.g. {@code --b2 auto}): stage-2 curves an
     *     interrupted run completed at another B2 are run again rather than counted at the wrong B2
     */
    public PlannedNumber resume(PlannedNumber number, long b1, BigInteger b2) {
        JournalState state = journal.state();
        String key = number.composite().value().toString();
        Optional<JournalEvent.Stage1Done> done = state.stage1Done(key);
        if (done.isEmpty()) {
            return continuingStage1(number, b1);
        }
        JournalEvent.Stage1Done d = done.get();
        if (d.b1() != null && d.b1() != b1) {
            return number; // residues of another B1
        }
        Path file = Path.of(d.residueFile());
        // sha256 null: stage 1 saved no residues because it needed none (the cofactor was 1 or prime)
        if (d.sha256() != null && (!Files.exists(file) || !d.sha256().equals(sha256(file)))) {
            log.warn("[{}] the residue file {} of an earlier stage 1 is {}: stage 1 runs again", number.position(), file,
                    Files.exists(file) ? "changed since it was written" : "gone");
            return number;
        }
        Stage1Result stage1 = new Stage1Result(number.ecmInput(), b1, d.curves(), file, factors(d.factors()),
                Duration.ofNanos((long) (d.seconds() * 1e9)), 0, d.ecmVersion(), null);
        PlannedNumber.PriorStage2 prior = state.partialStage2(key)
                .filter(p -> sameB2(p.b2(), b2, number))
                .map(p -> new PlannedNumber.PriorStage2(p.completedLines(), p.seconds(), factors(p.factors())))
                .orElse(null);
        return number.resuming(stage1, prior);
    }

    /** The number with the curves a stage 1 cut short saved at this B1, if its file is still there, unchanged. */
    private PlannedNumber continuingStage1(PlannedNumber number, long b1) {
        JournalEvent.Stage1Partial p = journal.state().partialStage1(number.composite().value().toString()).orElse(null);
        if (p == null || p.b1() != b1 || p.curves() < 1) {
            return number;
        }
        Path file = Path.of(p.residueFile());
        if (!Files.exists(file) || !p.sha256().equals(sha256(file))) {
            log.warn("[{}] the {} curves an interrupted stage 1 saved in {} are {}: stage 1 starts afresh",
                    number.position(), p.curves(), file, Files.exists(file) ? "changed" : "gone");
            return number;
        }
        log.info("[{}] stage 1 goes on from the {} curves an interrupted run saved in {}", number.position(), p.curves(),
                file);
        return number.continuing(new PlannedNumber.PartialStage1(file, p.curves()));
    }

    /** Whether stage-2 curves run at {@code recorded} count as this run's work at {@code wanted} (within ecm's rounding). */
    private static boolean sameB2(String recorded, BigInteger wanted, PlannedNumber number) {
        if (recorded == null || wanted == null) {
            return true; // an old journal, or a B2 this run only decides later: as before
        }
        java.math.BigDecimal r = new java.math.BigDecimal(recorded);
        java.math.BigDecimal w = new java.math.BigDecimal(wanted);
        boolean same = r.subtract(w).abs().compareTo(w.movePointLeft(2)) <= 0;
        if (!same) {
            log.warn("[{}] the stage-2 curves an earlier run completed were at B2={}; this run's B2 is {}: they run again",
                    number.position(), recorded, wanted);
        }
        return same;
    }

    /**
     * Removes residue files no unfinished number needs any more (left by runs cut off mid-stage 1). Not called
     * with {@code --keep-residues}, which keeps every residue file.
     */
    public void removeStaleResidues() throws IOException {
        Path dir = layout.residueDir();
        if (!Files.isDirectory(dir)) {
            return;
        }
        JournalState state = journal.state();
        Set<Path> needed = new HashSet<>();
        for (String n : state.unfinishedWithStage1()) {
            state.stage1Done(n).ifPresent(d -> needed.add(Path.of(d.residueFile()).toAbsolutePath().normalize()));
        }
        state.partialStage1s().forEach(p -> needed.add(Path.of(p.residueFile()).toAbsolutePath().normalize()));
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                if (!needed.contains(f.toAbsolutePath().normalize())) {
                    Files.deleteIfExists(f);
                    log.debug("removed stale residue file {}", f);
                }
            }
        }
    }

    /**
     * The residue file of the newest finished stage 1 of {@code number} journaled in the work dir at {@code root}, when
     * it is still there with the SHA-256 recorded then (other files in {@code residues/} may be leftovers of a stage 1
     * a crash cut short). Read when no run holds the work dir (the fleet worker, after its run on a lease).
     */
    public static Optional<Path> stage1ResidueFile(Path root, BigInteger number, long b1) throws IOException {
        Path file = Layout.of(root).journalFile();
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try (Journal journal = Journal.open(file)) {
            return journal.state().lastStage1Done(number.toString())
                    .filter(d -> d.sha256() != null && (d.b1() == null || d.b1() == b1))
                    .filter(d -> Files.exists(Path.of(d.residueFile())) && d.sha256().equals(sha256(Path.of(d.residueFile()))))
                    .map(d -> Path.of(d.residueFile()));
        }
    }

    /**
     * After a crash (kill -9) that cut a one-process CPU stage 1 short without journaling it: journals the curves
     * {@code residueFile} holds (its torn last line dropped) as that stage 1's saved curves, so the next run at this B1
     * appends only the missing ones ({@code -savea}), as after a graceful stop. Only a file of whole lines for
     * {@code number} alone at {@code b1}, for a number with no stage 1 journaled as done or cut; false otherwise.
     * Call after {@link #reapOrphans} (nothing may still be writing the file).
     */
    public boolean adoptCutStage1(BigInteger number, long b1, Path residueFile) throws IOException {
        String key = number.toString();
        JournalState state = journal.state();
        if (state.stage1Done(key).isPresent() || state.partialStage1(key).isPresent() || !Files.exists(residueFile)) {
            return false;
        }
        org.ecmpipe.durable.AppendLog.dropTornTail(residueFile);
        org.ecmpipe.residue.ResidueFile.Contents contents = org.ecmpipe.residue.ResidueFile.read(residueFile);
        if (contents.residues().isEmpty() || !contents.problems().isEmpty()
                || contents.residues().stream().anyMatch(r -> !r.n().equals(number) || r.b1() != b1)) {
            return false;
        }
        journal.append(new JournalEvent.Stage1Partial(clock.instant(), key, residueFile.toString(), sha256(residueFile),
                contents.residues().size(), b1));
        log.info("the {} curves a killed stage 1 saved in {} are kept", contents.residues().size(), residueFile);
        return true;
    }

    /** A fresh residue file name for stage 1 of the number at {@code position} (ecm refuses to overwrite a file). */
    public Path newResidueFile(int position, BigInteger ecmInput) throws IOException {
        Files.createDirectories(layout.residueDir());
        String random = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        return layout.residueDir().resolve(String.format("%05d-c%d-%s.sav", position, ecmInput.toString().length(), random));
    }

    /** The pipeline's checkpoints, written to the journal. */
    public Checkpoints checkpoints() {
        return new JournalCheckpoints();
    }

    /**
     * Journals every ecm child's start and exit, so a later run can end what a crash left behind. A journal write that
     * fails goes to {@code onFailure} (which should stop the run); the process itself is still tracked and reaped.
     */
    public ChildProcesses.Listener processLog(Consumer<IOException> onFailure) {
        return new ChildProcesses.Listener() {
            private final ProcessStart processStart = ProcessStart.reading(Path.of("/proc"));

            @Override
            public void started(Process process, List<String> command) {
                java.time.Instant start = processStart.of(process.toHandle()).orElse(null);
                write(new JournalEvent.ProcessStarted(clock.instant(), process.pid(), start, String.join(" ", command)));
            }

            @Override
            public void exited(Process process) {
                write(new JournalEvent.ProcessEnded(clock.instant(), process.pid()));
            }

            private void write(JournalEvent event) {
                try {
                    journal.append(event);
                } catch (IOException e) {
                    onFailure.accept(e);
                }
            }
        };
    }

    /**
     * The ledger finished numbers are recorded in.
     *
     * @param submitter where results go to be submitted, or null when not submitting
     */
    public ResultLedger ledger(ResultLedger.Submissions submitter) throws IOException {
        return new ResultLedger(new ResultsFile(resultsFile), journal, submitter, clock);
    }

    /**
     * Results that were written to be submitted but never reached the outbox (the run died or the disk filled up
     * in between), read back from the results file.
     */
    public List<CompositeResult> writtenNotQueued(Map<BigInteger, List<CompositeResult>> earlier) {
        List<CompositeResult> out = new ArrayList<>();
        for (String n : journal.state().writtenNotQueued()) {
            List<CompositeResult> lines = earlier.get(new BigInteger(n));
            if (lines != null && !lines.isEmpty()) {
                out.add(lines.getLast());
            }
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        try {
            journal.close();
        } finally {
            lock.close();
        }
    }

    private final class JournalCheckpoints implements Checkpoints {
        @Override
        public void stage1Started(PlannedNumber number) throws IOException {
            journal.append(new JournalEvent.Stage1Started(clock.instant(), key(number)));
        }

        @Override
        public void stage1Done(PlannedNumber number, Stage1Result result) throws IOException {
            Path file = result.residueFile();
            String sha = Files.exists(file) ? sha256(file) : null;
            journal.append(new JournalEvent.Stage1Done(clock.instant(), key(number), file.toString(), sha, result.curves(),
                    result.elapsed().toNanos() / 1e9, entries(result.factors()), result.ecmVersion(), result.b1()));
        }

        @Override
        public void stage1Cut(PlannedNumber number, Path residueFile) throws IOException {
            if (!Files.exists(residueFile)) {
                return;
            }
            org.ecmpipe.durable.AppendLog.dropTornTail(residueFile); // a line ecm was writing when it was ended
            org.ecmpipe.residue.ResidueFile.Contents contents = org.ecmpipe.residue.ResidueFile.read(residueFile);
            if (contents.residues().isEmpty() || !contents.problems().isEmpty()) {
                return; // nothing usable, or a line cut off mid-write: stage 1 starts afresh
            }
            journal.append(new JournalEvent.Stage1Partial(clock.instant(), key(number), residueFile.toString(),
                    sha256(residueFile), contents.residues().size(), contents.residues().getFirst().b1()));
        }

        @Override
        public void stage2Cut(PlannedNumber number, Stage2Result partial) throws IOException {
            journal.append(new JournalEvent.Stage2Partial(clock.instant(), key(number),
                    new ArrayList<>(partial.completedLines()), partial.elapsed().toNanos() / 1e9, entries(partial.factors()),
                    partial.b2() == null ? null : partial.b2().toString()));
        }

        private static String key(PlannedNumber n) {
            return n.composite().value().toString();
        }
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
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            return "unreadable: " + e.getMessage();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
