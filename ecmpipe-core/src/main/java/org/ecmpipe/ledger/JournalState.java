package org.ecmpipe.ledger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** What the journal says, replayed: the last run's settings, each number's progress, children not seen to end. */
final class JournalState {

    /** Stage-2 work done on a number by interrupted runs, added up. */
    record PartialStage2(Set<Integer> completedLines, double seconds, List<JournalEvent.FoundFactorEntry> factors,
                         String b2) {
    }

    private JournalEvent.RunStarted lastRun;
    private final Map<String, JournalEvent.Stage1Done> stage1 = new HashMap<>();
    private final Map<String, JournalEvent.Stage1Partial> partialStage1 = new HashMap<>();
    /** Each number's newest finished stage 1, kept after its result is written (the fleet worker uploads its file). */
    private final Map<String, JournalEvent.Stage1Done> lastStage1 = new HashMap<>();
    private final Map<String, PartialStage2> stage2 = new HashMap<>();
    private final Set<String> finished = new HashSet<>();
    private final Set<String> toSubmit = new HashSet<>();
    private final Map<Long, JournalEvent.ProcessStarted> live = new LinkedHashMap<>();

    void apply(JournalEvent event) {
        switch (event) {
            case JournalEvent.RunStarted r -> lastRun = r;
            case JournalEvent.Stage1Started s -> {
                stage1.remove(s.number()); // a new stage 1 replaces an older one
                stage2.remove(s.number());
            }
            case JournalEvent.Stage1Done d -> {
                stage1.put(d.number(), d);
                lastStage1.put(d.number(), d);
                partialStage1.remove(d.number());
            }
            case JournalEvent.Stage1Partial p -> partialStage1.put(p.number(), p);
            case JournalEvent.Stage2Partial p -> stage2.merge(p.number(),
                    new PartialStage2(new HashSet<>(p.completedLines()), p.seconds(), p.factors(), p.b2()), (a, b) -> {
                        if (!java.util.Objects.equals(a.b2(), b.b2())) {
                            return b; // a later run at another B2 ran its curves afresh
                        }
                        Set<Integer> lines = new HashSet<>(a.completedLines());
                        lines.addAll(b.completedLines());
                        List<JournalEvent.FoundFactorEntry> factors = new ArrayList<>(a.factors());
                        factors.addAll(b.factors());
                        return new PartialStage2(lines, a.seconds() + b.seconds(), factors, b.b2());
                    });
            case JournalEvent.ResultWritten w -> {
                finished.add(w.number());
                stage1.remove(w.number()); // its residues are done with; a later run at another B1 starts afresh
                partialStage1.remove(w.number());
                stage2.remove(w.number());
                if (w.submit()) {
                    toSubmit.add(w.number());
                }
            }
            case JournalEvent.SubmissionQueued q -> toSubmit.remove(q.number());
            case JournalEvent.ProcessStarted p -> live.put(p.pid(), p);
            case JournalEvent.ProcessEnded e -> live.remove(e.pid());
        }
    }

    Optional<JournalEvent.Stage1Done> lastStage1Done(String number) {
        return Optional.ofNullable(lastStage1.get(number));
    }

    Optional<JournalEvent.RunStarted> lastRun() {
        return Optional.ofNullable(lastRun);
    }

    /** A stage 1 a stop cut short, whose saved curves can be continued. */
    Optional<JournalEvent.Stage1Partial> partialStage1(String number) {
        return Optional.ofNullable(partialStage1.get(number));
    }

    /** Residue files of cut-short stage 1s (to keep when clearing stale files). */
    java.util.Collection<JournalEvent.Stage1Partial> partialStage1s() {
        return List.copyOf(partialStage1.values());
    }

    Optional<JournalEvent.Stage1Done> stage1Done(String number) {
        return Optional.ofNullable(stage1.get(number));
    }

    Optional<PartialStage2> partialStage2(String number) {
        return Optional.ofNullable(stage2.get(number));
    }

    boolean finished(String number) {
        return finished.contains(number);
    }

    /** Numbers with a finished stage 1 and no result yet. */
    Set<String> unfinishedWithStage1() {
        return Set.copyOf(stage1.keySet());
    }

    /** Numbers whose result was written to be submitted but never reached the outbox (a crash or a full disk between). */
    Set<String> writtenNotQueued() {
        return Set.copyOf(toSubmit);
    }

    /** Children the journal saw start and never saw end (a crashed run's, possibly still running). */
    List<JournalEvent.ProcessStarted> possiblyLiveProcesses() {
        return List.copyOf(live.values());
    }
}
