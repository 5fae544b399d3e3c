package io.guildhall.runtime.analytics;

import java.util.Arrays;

/** One session's attributed event times as a rebuild reads them: a growable array of longs. */
final class SessionTimes {
    long[] values = new long[8];
    int size;

    void add(long millis) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = millis;
    }

    /** Sorts the times in place and returns them; only the first {@link #size} count. */
    long[] sorted() {
        Arrays.sort(values, 0, size);
        return values;
    }
}
