package org.ecmpipe.tlevel;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link TLevel#of} remembered by work, for one owner (a batch run, a results file being read). A batch's numbers
 * mostly share their bounds and curve counts, so their t-levels are one computation instead of one per number (a
 * few milliseconds of CPU each, which async-profiler put at about 5 % of ecmpipe's own CPU on a batch
 * finishing a number every 10 s). Thread-safe; at most {@value #MAX_ENTRIES} entries (cleared when full, so a long
 * run with ever-changing work cannot grow it).
 */
public final class TLevelCache {
    static final int MAX_ENTRIES = 256;

    private final ConcurrentHashMap<List<WorkItem>, Double> byWork = new ConcurrentHashMap<>();

    /** The same as {@link TLevel#of}{@code (work)}. */
    public double of(List<WorkItem> work) {
        List<WorkItem> key = List.copyOf(work);
        Double known = byWork.get(key);
        if (known != null) {
            return known;
        }
        double t = TLevel.of(key); // outside the map's locks: two threads may both compute it, with equal results
        if (byWork.size() >= MAX_ENTRIES) {
            byWork.clear();
        }
        byWork.put(key, t);
        return t;
    }

    int size() {
        return byWork.size();
    }
}
