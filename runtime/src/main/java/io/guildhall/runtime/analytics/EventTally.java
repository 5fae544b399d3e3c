package io.guildhall.runtime.analytics;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * What a full rebuild of the session metrics collects from one key range of the stored events: the
 * times of every attributed event by session, and the number of events per count key (day, kind,
 * name). Ranges are read on several threads, one tally each, then merged.
 */
final class EventTally {
    /** One session's attributed event times, in the order read. */
    static final class Times {
        /** The identity of the session's events (an attributed event's identity is its session's). */
        final String identityId;
        long[] values = new long[8];
        int size;

        Times(String identityId) {
            this.identityId = identityId;
        }

        void add(long millis) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = millis;
        }

        void addAll(Times other) {
            for (int i = 0; i < other.size; i++) {
                add(other.values[i]);
            }
        }

        /** Sorts the times in place and returns them; only the first {@link #size} count. */
        long[] sorted() {
            Arrays.sort(values, 0, size);
            return values;
        }
    }

    final Map<String, Times> bySession = new HashMap<>();
    final Map<String, long[]> counts = new HashMap<>();
    long events;
    /** The session of the previous event: a session's events sit together in key order. */
    private String lastSessionId;
    private Times lastTimes;

    void count(String countKey) {
        events++;
        counts.computeIfAbsent(countKey, k -> new long[1])[0]++;
    }

    void attributed(String identityId, String sessionId, long millis) {
        if (!sessionId.equals(lastSessionId)) {
            lastSessionId = sessionId;
            lastTimes = bySession.computeIfAbsent(sessionId, k -> new Times(identityId));
        }
        lastTimes.add(millis);
    }

    /** Adds another range's tally to this one. */
    void addAll(EventTally other) {
        events += other.events;
        other.counts.forEach((key, n) -> counts.computeIfAbsent(key, k -> new long[1])[0] += n[0]);
        other.bySession.forEach((sessionId, times) -> {
            Times mine = bySession.putIfAbsent(sessionId, times);
            if (mine != null) {
                mine.addAll(times);
            }
        });
        lastSessionId = null;
        lastTimes = null;
    }
}
