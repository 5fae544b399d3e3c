package io.guildhall.runtime.analytics;

import io.guildhall.runtime.store.KvMap;
import io.guildhall.runtime.store.Store;
import io.guildhall.runtime.util.UuidV7;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The analytics rules on top of the store: identities, sessions and events, and the attribution
 * of events to sessions. Each operation is one store write (so one atomic, durable step); a whole
 * batch of events is one write, never one per event.
 *
 * <p>Keys are ordered so that the rules are range reads: sessions {@code iid|start|sid} (the
 * latest session that started at or before a time is a floor lookup), events
 * {@code iid|timestamp|eventId} (an identity's history is one range; non-player events have an
 * empty identity), de-duplication marks {@code iid|clientId}. Times are 13-digit milliseconds.
 */
public final class AnalyticsStore {
    /** Properties an identity may hold per kind (default, custom), and their sizes. */
    public static final int MAX_PROPERTIES = 256;
    public static final int MAX_PROPERTY_NAME = 128;
    public static final int MAX_PROPERTY_VALUE = 4096;
    private static final char SEP = '|';
    private static final String END = "\uffff";
    private static final long[] NO_TIMES = {};

    private final Store store;
    private final KvMap identities;
    private final KvMap sessions;
    private final KvMap sessionIds;
    private final KvMap events;
    private final KvMap dedupe;
    private final long graceMillis;
    /** How far a receive time may be moved up to keep commit order (see {@link #inReceiptOrder}). */
    private static final long RECEIPT_REORDER_MILLIS = 1000;
    /** The latest receive time stored; read and written under the store's write lock only. */
    private long lastReceiptMillis;
    private final long dedupeWindowMillis;
    private final SessionMetrics metrics;
    /** Events stored since start, by metric kind (for the Prometheus counters). */
    private final Map<String, java.util.concurrent.atomic.LongAdder> ingested = new LinkedHashMap<>();

    public AnalyticsStore(Store store, long sessionlessGraceSec, long dedupeWindowSec) {
        this(store, sessionlessGraceSec, dedupeWindowSec, 0, 300, java.time.ZoneOffset.UTC);
    }

    /**
     * @param inactivitySec {@code analytics.session_inactivity_sec} (0: off)
     * @param idleCapSec    {@code analytics.idle_cap_sec} (0: no cap)
     * @param zone          {@code analytics.metrics_timezone}: where days begin
     */
    public AnalyticsStore(Store store, long sessionlessGraceSec, long dedupeWindowSec, long inactivitySec,
                          long idleCapSec, java.time.ZoneId zone) {
        this(store, sessionlessGraceSec, dedupeWindowSec, inactivitySec, idleCapSec, zone, true);
    }

    /** @param keepMetrics false only to measure what keeping the metrics costs ingestion (bench/metrics) */
    AnalyticsStore(Store store, long sessionlessGraceSec, long dedupeWindowSec, long inactivitySec,
                   long idleCapSec, java.time.ZoneId zone, boolean keepMetrics) {
        this.store = store;
        this.identities = store.map("analytics_identities");
        this.sessions = store.map("analytics_sessions");
        this.sessionIds = store.map("analytics_session_ids");
        this.events = store.map("analytics_events");
        this.dedupe = store.map("analytics_dedupe");
        this.graceMillis = sessionlessGraceSec * 1000;
        this.dedupeWindowMillis = dedupeWindowSec * 1000;
        this.metrics = new SessionMetrics(store, sessions, events, inactivitySec, idleCapSec, zone, keepMetrics);
        for (EventRecord.Via via : EventRecord.Via.values()) {
            ingested.putIfAbsent(via.metricKind(), new java.util.concurrent.atomic.LongAdder());
        }
    }

    /** Events stored since start by kind: session, sessionless, orphaned, non_player. */
    public Map<String, java.util.concurrent.atomic.LongAdder> ingested() {
        return java.util.Collections.unmodifiableMap(ingested);
    }

    SessionMetrics sessionMetrics() {
        return metrics;
    }

    /** The session metrics, read and rebuilt. */
    public Metrics metrics() {
        return new Metrics(store, metrics);
    }

    /** What one batch did. */
    public record Appended(int attributed, int orphaned, int nonPlayer, int duplicates) {
        public int stored() {
            return attributed + orphaned + nonPlayer;
        }
    }

    /**
     * Creates the identity if it is new, merges the given properties, and opens a session when
     * {@code sessionId} is not null. Completes with the identity once durable.
     */
    public CompletableFuture<IdentityRecord> authenticate(String identityId, Map<String, String> defaults,
                                                          Map<String, String> custom, String sessionId,
                                                          long expiresAt, long nowMillis) {
        return store.write(() -> {
            IdentityRecord identity = upsertIdentity(identityId, defaults, custom, nowMillis);
            if (sessionId != null) {
                SessionRecord session = new SessionRecord(identityId, sessionId, nowMillis, nowMillis, 0, expiresAt);
                putSession(session);
                metrics.sessionChanged(session, NO_TIMES, 0);
            }
            return identity;
        });
    }

    /** Merges properties into the identity (created if new); an empty value removes that property. */
    public CompletableFuture<IdentityRecord> updateProperties(String identityId, Map<String, String> defaults,
                                                              Map<String, String> custom, long nowMillis) {
        return store.write(() -> upsertIdentity(identityId, defaults, custom, nowMillis));
    }

    /** The identity, or null; waits until what it read is durable. */
    public CompletableFuture<IdentityRecord> identity(String identityId) {
        byte[] bytes = identities.get(identityId);
        IdentityRecord identity = bytes == null ? null : Records.identity(bytes);
        return store.durable().thenApply(v -> identity);
    }

    private IdentityRecord upsertIdentity(String identityId, Map<String, String> defaults, Map<String, String> custom,
                                          long nowMillis) {
        byte[] bytes = identities.get(identityId);
        IdentityRecord old = bytes == null
                ? new IdentityRecord(identityId, nowMillis, Map.of(), Map.of())
                : Records.identity(bytes);
        IdentityRecord updated = new IdentityRecord(identityId, old.createdMillis(),
                merge(old.defaults(), defaults), merge(old.custom(), custom));
        if (updated.defaults().size() > MAX_PROPERTIES || updated.custom().size() > MAX_PROPERTIES) {
            // Checked before anything is written, so the failed write leaves the store unchanged.
            throw io.guildhall.spi.ApiException.invalid("An identity holds at most " + MAX_PROPERTIES
                    + " default and " + MAX_PROPERTIES + " custom properties.");
        }
        if (bytes == null || !updated.equals(old)) {
            identities.put(identityId, Records.identity(updated));
        }
        return updated;
    }

    private static Map<String, String> merge(Map<String, String> old, Map<String, String> changes) {
        if (changes.isEmpty()) {
            return old;
        }
        Map<String, String> merged = new LinkedHashMap<>(old);
        changes.forEach((k, v) -> {
            if (v.isEmpty()) {
                merged.remove(k);
            } else {
                merged.put(k, v);
            }
        });
        return merged;
    }

    /**
     * Concurrent requests take the write lock in another order than their receive times: an event
     * stamped at receipt (it came without a timestamp) that is at most a second older than the last
     * one stored is moved up to it, so one session's events are stored in commit order and the
     * session's metrics extend it instead of re-deriving it as for a late event. Larger steps back
     * (the clock was set back) are kept as they are. Called under the write lock.
     */
    private IncomingEvent inReceiptOrder(IncomingEvent event, long receivedMillis) {
        long t = event.timestampMillis();
        if (t != receivedMillis) {
            return event;
        }
        if (t < lastReceiptMillis && lastReceiptMillis - t <= RECEIPT_REORDER_MILLIS) {
            t = lastReceiptMillis;
        }
        lastReceiptMillis = Math.max(lastReceiptMillis, t);
        return t == event.timestampMillis() ? event : new IncomingEvent(event.name(), event.clientId(), event.value(),
                event.metadata(), t, event.skewed(), event.identityId(), event.sessionId(), event.sessionIssuedAt(),
                event.sessionExpiresAt(), event.source());
    }

    /** Stores a batch of events in one write: de-duplicated, each attributed on its own (see class doc). */
    public CompletableFuture<Appended> appendEvents(List<IncomingEvent> batch, long nowMillis) {
        List<EventRecord> storedEvents = new ArrayList<>(batch.size());
        return store.write(() -> {
            int attributed = 0;
            int orphaned = 0;
            int nonPlayer = 0;
            int duplicates = 0;
            Touched touched = new Touched();
            byte[] now = ByteBuffer.allocate(8).putLong(nowMillis).array();
            for (IncomingEvent event : batch) {
                String clientId = event.clientId();
                if (clientId != null) {
                    String mark = event.identityId() + SEP + clientId;
                    byte[] seen = dedupe.get(mark);
                    if (seen != null && nowMillis - ByteBuffer.wrap(seen).getLong() < dedupeWindowMillis) {
                        duplicates++;
                        continue;
                    }
                    dedupe.put(mark, now);
                } else {
                    clientId = UuidV7.mint(nowMillis);
                }
                EventRecord stored = attribute(inReceiptOrder(event, nowMillis), clientId, nowMillis, touched);
                events.put(eventKey(stored.identityId(), stored.timestampMillis(), stored.eventId()), Records.event(stored));
                storedEvents.add(stored);
                switch (stored.kind()) {
                    case ATTRIBUTED -> attributed++;
                    case ORPHANED -> orphaned++;
                    case NON_PLAYER -> nonPlayer++;
                }
            }
            touched.sessions.forEach((key, session) -> sessions.put(key, Records.session(session)));
            touched.newSessionIds.forEach((id, key) -> sessionIds.put(id, key.getBytes(StandardCharsets.UTF_8)));
            touched.sessions.forEach((key, session) -> {
                Times times = touched.times.get(key);
                metrics.sessionChanged(session, times == null ? NO_TIMES : times.values, times == null ? 0 : times.count);
            });
            metrics.eventsStored(storedEvents);
            return new Appended(attributed, orphaned, nonPlayer, duplicates);
        }).thenApply(appended -> {
            storedEvents.forEach(e -> ingested.get(e.via().metricKind()).increment());
            return appended;
        });
    }

    /**
     * Sessions a batch changed, written once at its end: a batch of 100 events of one session
     * rewrites that session once, not 100 times. Later events of the batch see the changes.
     */
    private static final class Touched {
        final Map<String, SessionRecord> sessions = new LinkedHashMap<>();
        final Map<String, String> newSessionIds = new LinkedHashMap<>();
        /** The times of the events this batch attributed, per session key (for the metrics). */
        final Map<String, Times> times = new java.util.HashMap<>();
    }

    private static final class Times {
        long[] values = new long[4];
        int count;

        void add(long t) {
            if (count == values.length) {
                values = java.util.Arrays.copyOf(values, count * 2);
            }
            values[count++] = t;
        }
    }

    /** Decides the event's kind and session, extending the session it is attributed to. Under the write lock. */
    private EventRecord attribute(IncomingEvent event, String clientId, long nowMillis, Touched touched) {
        String identityId = event.identityId();
        long t = event.timestampMillis();
        String key = null;
        SessionRecord session = null;
        EventRecord.Via via = EventRecord.Via.NO_IDENTITY;
        if (!event.sessionId().isEmpty()) {
            via = EventRecord.Via.GIVEN_SESSION;
            key = touched.newSessionIds.get(event.sessionId());
            if (key == null) {
                byte[] stored = sessionIds.get(event.sessionId());
                key = stored == null ? null : new String(stored, StandardCharsets.UTF_8);
            }
            session = key == null ? null : session(key, touched);
            if (session != null && !identityId.isEmpty() && !session.identityId().equals(identityId)) {
                session = null; // another identity's session: this identity's event stays orphaned
                via = EventRecord.Via.OTHER_IDENTITY_SESSION;
            } else if (session == null && !identityId.isEmpty()) {
                // A session we did not open (a server names its own): recorded as given.
                long start = event.sessionIssuedAt() > 0 ? Math.min(event.sessionIssuedAt() * 1000, t) : t;
                session = new SessionRecord(identityId, event.sessionId(), start, start, 0, event.sessionExpiresAt());
                key = sessionKey(session);
                touched.newSessionIds.put(session.sessionId(), key);
            }
            if (session != null) {
                identityId = session.identityId();
            }
        } else if (!identityId.isEmpty()) {
            via = EventRecord.Via.RECENT_SESSION;
            String prefix = identityId + SEP;
            // A timestamp in whole seconds (Nakama's client sends them so) stands for its whole second:
            // an event of a match that ended in the second its session opened still belongs to it.
            long latestStart = t % 1000 == 0 ? t + 999 : t;
            key = sessions.floorKey(prefix + time(latestStart) + SEP + END);
            session = key == null || !key.startsWith(prefix) ? null : session(key, touched);
            if (session != null && t > session.lastActivityMillis() + graceMillis) {
                session = null;
            }
            if (session == null) {
                via = EventRecord.Via.NO_RECENT_SESSION;
            }
        }
        EventRecord.Kind kind;
        String sessionId = "";
        if (session != null) {
            touched.sessions.put(key, session.attribute(t));
            touched.times.computeIfAbsent(key, k -> new Times()).add(t);
            kind = EventRecord.Kind.ATTRIBUTED;
            sessionId = session.sessionId();
        } else {
            kind = identityId.isEmpty() ? EventRecord.Kind.NON_PLAYER : EventRecord.Kind.ORPHANED;
            if (kind == EventRecord.Kind.NON_PLAYER) {
                via = EventRecord.Via.NO_IDENTITY;
            }
        }
        return new EventRecord(UuidV7.mint(nowMillis), clientId, identityId, sessionId, kind, event.name(),
                event.value(), event.metadata(), t, nowMillis, event.skewed(), event.source(),
                event.sessionIssuedAt(), event.sessionExpiresAt(), via);
    }

    /** A session by its key, as this batch left it. */
    private SessionRecord session(String key, Touched touched) {
        SessionRecord session = touched.sessions.get(key);
        if (session == null) {
            byte[] bytes = sessions.get(key);
            session = bytes == null ? null : Records.session(bytes);
        }
        return session;
    }

    private void putSession(SessionRecord session) {
        String key = sessionKey(session);
        sessions.put(key, Records.session(session));
        sessionIds.put(session.sessionId(), key.getBytes(StandardCharsets.UTF_8));
    }

    /** The identity's sessions, oldest first. */
    public List<SessionRecord> sessions(String identityId) {
        List<SessionRecord> list = new ArrayList<>();
        sessions.scan(identityId + SEP, identityId + SEP + END, (k, v) -> list.add(Records.session(v)));
        return list;
    }

    /** Up to {@code limit} of the identity's events, oldest first (attributed and orphaned alike). */
    public List<EventRecord> events(String identityId, int limit) {
        List<EventRecord> list = new ArrayList<>();
        events.scan(identityId + SEP, identityId + SEP + END, (k, v) -> {
            list.add(Records.event(v));
            return list.size() < limit;
        });
        return list;
    }

    /** Up to {@code limit} non-player events, oldest first. */
    public List<EventRecord> nonPlayerEvents(int limit) {
        return events("", limit);
    }

    /** Erases the identity's properties, sessions, events and de-duplication marks in one durable write. */
    public CompletableFuture<Integer> eraseIdentity(String identityId) {
        return store.write(() -> {
            String from = identityId + SEP;
            String to = identityId + SEP + END;
            int erased = 0;
            identities.remove(identityId);
            metrics.identityErased(identityId, sessions(identityId));
            for (SessionRecord session : sessions(identityId)) {
                sessionIds.remove(session.sessionId());
                sessions.remove(sessionKey(session));
                erased++;
            }
            erased += removeRange(events, from, to);
            erased += removeRange(dedupe, from, to);
            return erased;
        });
    }

    /** Removes events whose timestamp is before the cutoff; at most {@code max} per call. */
    public CompletableFuture<Integer> pruneEvents(long cutoffMillis, int max) {
        List<String> stale = new ArrayList<>();
        events.scan("", END, (k, v) -> {
            if (Records.event(v).timestampMillis() < cutoffMillis) {
                stale.add(k);
            }
            return stale.size() < max;
        });
        return store.write(() -> {
            List<byte[]> removed = new ArrayList<>(stale.size());
            for (String key : stale) {
                byte[] value = events.get(key); // an erasure may have taken it meanwhile
                if (value != null) {
                    removed.add(value);
                }
            }
            metrics.beforeEventsPruned();
            stale.forEach(events::remove);
            metrics.eventsPruned(removed, this::sessionById);
            return removed.size();
        });
    }

    /** A stored session by its id, or null. */
    private SessionRecord sessionById(String sessionId) {
        byte[] key = sessionIds.get(sessionId);
        byte[] bytes = key == null ? null : sessions.get(new String(key, StandardCharsets.UTF_8));
        return bytes == null ? null : Records.session(bytes);
    }

    /** Removes de-duplication marks older than the window (they can no longer match); at most {@code max} per call. */
    public CompletableFuture<Integer> pruneDedupeMarks(long nowMillis, int max) {
        List<String> stale = new ArrayList<>();
        dedupe.scan("", END, (k, v) -> {
            if (nowMillis - ByteBuffer.wrap(v).getLong() >= dedupeWindowMillis) {
                stale.add(k);
            }
            return stale.size() < max;
        });
        return store.write(() -> {
            for (String key : stale) {
                byte[] v = dedupe.get(key); // re-checked under the lock: a retry may have renewed it
                if (v != null && nowMillis - ByteBuffer.wrap(v).getLong() >= dedupeWindowMillis) {
                    dedupe.remove(key);
                }
            }
            return stale.size();
        });
    }

    private static int removeRange(KvMap map, String from, String to) {
        List<String> keys = new ArrayList<>();
        map.scan(from, to, (k, v) -> keys.add(k));
        keys.forEach(map::remove);
        return keys.size();
    }

    static String sessionKey(SessionRecord session) {
        return session.identityId() + SEP + time(session.startMillis()) + SEP + session.sessionId();
    }

    private static String eventKey(String identityId, long millis, String eventId) {
        return identityId + SEP + time(millis) + SEP + eventId;
    }

    /** Milliseconds as 13 digits, so that keys sort by time (good until the year 2286). */
    static String time(long millis) {
        String digits = Long.toString(Math.max(0, millis));
        return "0".repeat(Math.max(0, 13 - digits.length())) + digits;
    }

    /** Waits until everything written so far is durable (for readers that answer a client). */
    public CompletableFuture<Void> durable() {
        return store.durable();
    }
}
