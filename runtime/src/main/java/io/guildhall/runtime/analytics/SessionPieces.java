package io.guildhall.runtime.analytics;

import java.util.ArrayList;
import java.util.List;

/**
 * The metric sessions one stored session counts as, derived from its start and the times of the
 * events attributed to it. With {@code analytics.session_inactivity_sec} off that is one piece; with
 * it on, an idle gap longer than it ends a piece and the next event starts another. Pure: the
 * incremental path and the full rebuild both use it, which is what makes their numbers agree.
 */
final class SessionPieces {
    /**
     * One metric session. The session start is a point of the first piece; event times before the
     * start count as at the start (a server may backdate events of a session it names).
     *
     * @param startMillis  its first point
     * @param lastMillis   its last point
     * @param events       events in it (0: a session whose only activity is its start)
     * @param activeMillis the gaps between its consecutive points, each capped at the idle cap
     */
    record Piece(long startMillis, long lastMillis, int events, long activeMillis) {
        long lengthMillis() {
            return lastMillis - startMillis;
        }
    }

    private final long inactivityMillis;
    private final long idleCapMillis;

    /** @param inactivityMillis 0: off; @param idleCapMillis 0: no cap */
    SessionPieces(long inactivityMillis, long idleCapMillis) {
        this.inactivityMillis = inactivityMillis;
        this.idleCapMillis = idleCapMillis;
    }

    /** The pieces of a session from its start and its events' times in ascending order. */
    List<Piece> derive(long startMillis, long[] sortedTimes, int count) {
        List<Piece> pieces = new ArrayList<>();
        pieces.add(new Piece(startMillis, startMillis, 0, 0));
        for (int i = 0; i < count; i++) {
            append(pieces, sortedTimes[i]);
        }
        return pieces;
    }

    /** Adds an event at or after the last point of the last piece (the common, in-order case). */
    void append(List<Piece> pieces, long eventMillis) {
        Piece last = pieces.get(pieces.size() - 1);
        long t = Math.max(eventMillis, last.lastMillis());
        long gap = t - last.lastMillis();
        if (inactivityMillis > 0 && gap > inactivityMillis) {
            pieces.add(new Piece(t, t, 1, 0));
        } else {
            long active = idleCapMillis > 0 ? Math.min(gap, idleCapMillis) : gap;
            pieces.set(pieces.size() - 1, new Piece(last.startMillis(), t, last.events() + 1, last.activeMillis() + active));
        }
    }

    /** True when an event at this time can be appended (it is not before the session's last point). */
    static boolean inOrder(List<Piece> pieces, long eventMillis) {
        return eventMillis >= pieces.get(pieces.size() - 1).lastMillis();
    }
}
