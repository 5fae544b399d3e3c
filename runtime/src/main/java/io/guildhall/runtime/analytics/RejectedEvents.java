package io.guildhall.runtime.analytics;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The debugger: the latest events that were skipped, with the reason. Bounded by count and by the
 * size of each kept event; in memory only, like Satori's temporary debugger buffer.
 */
public final class RejectedEvents {
    static final int MAX_EVENT_CHARS = 2048;

    /** One skipped event; {@code event} is its JSON text, cut at {@link #MAX_EVENT_CHARS}. */
    public record Rejected(long receivedMillis, String identityId, String source, String reason, String detail,
                           String event) {
    }

    private final int capacity;
    private final ArrayDeque<Rejected> latest;

    public RejectedEvents(int capacity) {
        this.capacity = capacity;
        this.latest = new ArrayDeque<>(Math.min(capacity, 1024));
    }

    void add(long receivedMillis, String identityId, String source, String reason, String detail, JsonNode event) {
        if (capacity <= 0) {
            return;
        }
        String text = event == null ? "" : event.toString();
        if (text.length() > MAX_EVENT_CHARS) {
            text = text.substring(0, MAX_EVENT_CHARS) + "...";
        }
        Rejected rejected = new Rejected(receivedMillis, identityId == null ? "" : identityId, source, reason, detail, text);
        synchronized (latest) {
            if (latest.size() == capacity) {
                latest.removeFirst();
            }
            latest.addLast(rejected);
        }
    }

    /** Newest first; of one identity when {@code identityId} is not null. */
    public List<Rejected> list(String identityId, int limit) {
        List<Rejected> list = new ArrayList<>();
        synchronized (latest) {
            var it = latest.descendingIterator();
            while (it.hasNext() && list.size() < limit) {
                Rejected r = it.next();
                if (identityId == null || identityId.equals(r.identityId())) {
                    list.add(r);
                }
            }
        }
        return list;
    }

    /** Drops an identity's entries (erasure). */
    void erase(String identityId) {
        synchronized (latest) {
            latest.removeIf(r -> r.identityId().equals(identityId));
        }
    }
}
