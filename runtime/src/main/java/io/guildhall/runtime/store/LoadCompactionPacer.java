package io.guildhall.runtime.store;

import java.util.concurrent.TimeUnit;

/**
 * Paces compaction while writes keep coming, so that it never waits for an idle moment. Steps run
 * under the write lock, so each is sized to a short slice. Time for them accrues like a token
 * bucket at a fixed share of wall time; a step is charged more the closer the engine is to its
 * target, so compaction slows down as it catches up (a proportional controller: it settles where
 * reclaiming keeps pace with the writes). Committer thread only.
 */
final class LoadCompactionPacer {
    /** Aimed-for length of one step: writers queue behind it. */
    static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Backlog (percentage points below target) from which steps are charged their plain cost. */
    static final int FULL_BACKLOG = 10;
    /** The commit writes what a step marked: count that as costing about as much again as the step. */
    private static final int COST_FACTOR = 2;
    /** Unused time saved up at most: a burst of steps after a lull would hold writers up. */
    private static final long MAX_CREDIT_NANOS = 2 * COST_FACTOR * SLICE_NANOS;
    /** Owed at most: a step stalled by GC or a busy CPU must not keep compaction away for long. */
    private static final long MAX_DEBT_NANOS = FULL_BACKLOG * COST_FACTOR * SLICE_NANOS;
    private static final int MIN_BUDGET = 32 << 10;
    /** Work per byte of budget varies a lot; a cap keeps the slow outliers short. */
    private static final int MAX_BUDGET = 1 << 20;
    private static final long FAILURE_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final int maxSharePercent;
    /** Starts small: the first steps also pay for loading classes and reading chunk tables. */
    private int budget = MIN_BUDGET;
    /** Smoothed cost of a step per KiB of budget; 0 until the first step. */
    private double nanosPerKib;
    private long credit;
    private long lastAccrual;
    private long pausedUntil;

    /**
     * @param maxSharePercent most of the committer's time that compaction may take, counting the
     *                        commit's extra work; 0 leaves compaction to idle moments
     */
    LoadCompactionPacer(int maxSharePercent, long now) {
        if (maxSharePercent < 0 || maxSharePercent >= 100) {
            throw new IllegalArgumentException("share must be in [0, 100): " + maxSharePercent);
        }
        this.maxSharePercent = maxSharePercent;
        this.lastAccrual = now;
        this.pausedUntil = now;
    }

    /** Accrues time since the last call; true if a step may run now. */
    boolean stepDue(long now) {
        if (maxSharePercent == 0 || now - pausedUntil < 0) {
            return false;
        }
        credit = Math.min(MAX_CREDIT_NANOS, credit + (now - lastAccrual) * maxSharePercent / 100);
        lastAccrual = now;
        return credit >= COST_FACTOR * SLICE_NANOS;
    }

    int budgetBytes() {
        return budget;
    }

    /** The engine is on target: start saving up again from nothing. */
    void onTarget() {
        credit = 0;
    }

    /** A step ran from start to end with the given backlog: charge for it and size the next one. */
    void stepDone(long start, long end, int backlog) {
        long took = Math.max(end - start, 1);
        long charge = COST_FACTOR * took * FULL_BACKLOG / Math.max(1, Math.min(backlog, FULL_BACKLOG));
        credit = Math.max(-MAX_DEBT_NANOS, credit - charge);
        // smoothed: the same budget may take ten times longer when the pages are not cached
        double sample = (double) took * 1024 / budget;
        nanosPerKib = nanosPerKib == 0 ? sample : nanosPerKib + (sample - nanosPerKib) / 4;
        budget = (int) Math.max(MIN_BUDGET, Math.min(MAX_BUDGET, SLICE_NANOS * 1024 / nanosPerKib));
    }

    /** A step failed: leave compaction to the idle housekeeping for a while. */
    void failed(long now) {
        pausedUntil = now + FAILURE_PAUSE_NANOS;
        credit = 0;
        lastAccrual = pausedUntil;
    }
}
