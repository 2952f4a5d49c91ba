package org.ecmpipe.ledger;

import java.nio.file.Path;

/**
 * The names of everything in a work dir: the only place they are spelled. Commands that only need to find a file
 * (the log, the outbox) use this without opening the work dir.
 *
 * <pre>
 * WORK_DIR/
 *   ecmpipe.lock      one run at a time (OS lock)
 *   ecmpipe.log       debug-level log of every command run on it
 *   journal.jsonl     every number's progress and every ecm child, one synced JSON line each
 *   results.jsonl     one line per finished number (unless --results names another file)
 *   residues/         stage-1 residue files, NNNNN-cDD-XXXXXXXX.sav
 *   outbox/           submissions not yet on the results server; outbox/rejected/ what it refused
 *   fleet/            the fleet worker's: worker.lock, one directory per lease or residue claim held (lease-ID/,
 *                     claim-ID/: unit.json, the residue file, run/ = that unit's own work dir), finished/ done units
 * </pre>
 */
public record Layout(Path root) {

    public static Layout of(Path root) {
        return new Layout(root);
    }

    public Path logFile() {
        return root.resolve("ecmpipe.log");
    }

    public Path defaultResultsFile() {
        return root.resolve("results.jsonl");
    }

    public Path outboxDir() {
        return root.resolve("outbox");
    }

    Path lockFile() {
        return root.resolve("ecmpipe.lock");
    }

    Path journalFile() {
        return root.resolve("journal.jsonl");
    }

    /** The fleet worker's directory ({@code ecmpipe worker}). */
    public Path fleetDir() {
        return root.resolve("fleet");
    }

    public Path residueDir() {
        return root.resolve("residues");
    }

    /** Where {@code --restart} moves an earlier journal. */
    Path journalAside(String stamp) {
        return root.resolve("journal." + stamp + ".jsonl");
    }

    Path residuesAside(String stamp) {
        return root.resolve("residues." + stamp);
    }

    static Path resultsAside(Path results, String stamp) {
        return results.resolveSibling(results.getFileName().toString().replaceFirst("(\\.jsonl)?$", "." + stamp + ".jsonl"));
    }
}
