package io.guildhall.runtime.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The pacer on a simulated clock: a commit round every 5 ms, steps of a given length. */
class LoadCompactionPacerTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long RUN = TimeUnit.SECONDS.toNanos(10);

    /** Share of wall time spent in steps. */
    private static double stepShare(LoadCompactionPacer pacer, long stepNanos, int backlog) {
        long now = 0;
        long inSteps = 0;
        while (now < RUN) {
            if (pacer.stepDue(now)) {
                pacer.stepDone(now, now + stepNanos, backlog);
                now += stepNanos;
                inSteps += stepNanos;
            }
            now += 5 * MS;
        }
        return (double) inSteps / now;
    }

    @Test
    void stepsTakeAtMostHalfTheShareAtFullBacklog() {
        double share = stepShare(new LoadCompactionPacer(30, 0), 2 * MS, LoadCompactionPacer.FULL_BACKLOG);
        // the other half is the commit writing what the steps marked
        assertTrue(share <= 0.15 + 0.01, "steps took " + share);
        assertTrue(share >= 0.10, "steps took only " + share);
    }

    @Test
    void stepsSlowDownNearTheTarget() {
        double full = stepShare(new LoadCompactionPacer(30, 0), 2 * MS, LoadCompactionPacer.FULL_BACKLOG);
        double near = stepShare(new LoadCompactionPacer(30, 0), 2 * MS, 2);
        assertEquals(full / 5, near, full / 20);
    }

    @Test
    void aLongStallDoesNotStopCompactionForLong() {
        LoadCompactionPacer pacer = new LoadCompactionPacer(30, 0);
        assertTrue(pacer.stepDue(100 * MS));
        // near the target a step is charged ten times over: 40 s for this one, were debt not capped
        pacer.stepDone(100 * MS, 2100 * MS, 1);
        assertTrue(pacer.stepDue(2105 * MS));
    }

    @Test
    void budgetFollowsTheCostOfASlice() {
        LoadCompactionPacer pacer = new LoadCompactionPacer(30, 0);
        int first = pacer.budgetBytes();
        for (int i = 0; i < 20; i++) {
            pacer.stepDone(0, LoadCompactionPacer.SLICE_NANOS / 10, LoadCompactionPacer.FULL_BACKLOG);
        }
        int grown = pacer.budgetBytes();
        assertTrue(grown > 4 * first, "budget stayed at " + grown);
        for (int i = 0; i < 20; i++) {
            pacer.stepDone(0, LoadCompactionPacer.SLICE_NANOS * 4, LoadCompactionPacer.FULL_BACKLOG);
        }
        assertTrue(pacer.budgetBytes() <= grown / 4, "budget still " + pacer.budgetBytes());
    }

    @Test
    void zeroShareNeverSteps() {
        LoadCompactionPacer pacer = new LoadCompactionPacer(0, 0);
        assertFalse(pacer.stepDue(RUN));
    }
}
