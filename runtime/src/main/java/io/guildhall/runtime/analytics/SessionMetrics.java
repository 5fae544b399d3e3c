package io.guildhall.runtime.analytics;

import io.guildhall.runtime.store.KvMap;
import io.guildhall.runtime.store.Store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The session metrics, kept in the store next to the data they are derived from and updated in
 * the same write that stores sessions and events (so they survive restarts and are readable as
 * soon as the write is acknowledged). Mutating methods run under the store's write lock.
 *
 * <p>Maps (a session is named {@code start|iid|sid}, start first: see {@link #metricKey}):
 * <ul>
 * <li>{@code analytics_metric_day_sessions}: {@code day|start|iid|sid|piece} to one piece, so that a
 *     day's session numbers are one range read. Piece 0 (keyed by the session's start day) also holds
 *     the session's derived state: all its pieces and its earliest event time (the start of the range
 *     a re-derivation reads). So a session's change is one write, and a day's entries also name the
 *     identities that started a session (or a piece) that day;</li>
 * <li>{@code analytics_metric_active}: {@code day|iid} for a day an identity had an attributed event
 *     that is not its session's start day (rare: sessions across midnight, late events). With the day
 *     entries it makes the daily actives, without a write per sign-in;</li>
 * <li>{@code analytics_metric_first_seen} ({@code iid} to day) and {@code analytics_metric_cohorts}
 *     ({@code day|iid}) for retention;</li>
 * <li>{@code analytics_metric_event_counts}: {@code day|kind|name} to a count;</li>
 * <li>{@code analytics_metric_settings}: the settings the numbers were derived with, or a mark that a
 *     rebuild is under way (see {@link #rebuild}).</li>
 * </ul>
 */
final class SessionMetrics {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SessionMetrics.class);
    private static final char SEP = '|';
    private static final String END = "\uffff";
    private static final byte[] PRESENT = {1};
    /** Version 2 kept session states in a map of their own; a rebuild empties it. */
    private static final String LEGACY_STATES = "analytics_metric_sessions";
    private static final String DAY_SESSIONS = "analytics_metric_day_sessions";
    private static final String ACTIVE = "analytics_metric_active";
    private static final String FIRST_SEEN = "analytics_metric_first_seen";
    private static final String COHORTS = "analytics_metric_cohorts";
    private static final String EVENT_COUNTS = "analytics_metric_event_counts";
    private static final String REBUILDING = "rebuilding ";

    private final Store store;
    private final KvMap sessions;
    private final KvMap events;
    private final KvMap daySessions;
    private final KvMap active;
    private final KvMap firstSeen;
    private final KvMap cohorts;
    private final KvMap eventCounts;
    private final KvMap settingsMap;
    private final SessionPieces pieces;
    private final ZoneId zone;
    private final String settings;
    private final boolean enabled;
    /** One rebuild at a time: its steps are separate writes. */
    private final ReentrantLock rebuilding = new ReentrantLock();

    SessionMetrics(Store store, KvMap sessions, KvMap events, long inactivitySec, long idleCapSec, ZoneId zone,
                   boolean enabled) {
        this.enabled = enabled;
        this.store = store;
        this.sessions = sessions;
        this.events = events;
        this.daySessions = store.map(DAY_SESSIONS);
        this.active = store.map(ACTIVE);
        this.firstSeen = store.map(FIRST_SEEN);
        this.cohorts = store.map(COHORTS);
        this.eventCounts = store.map(EVENT_COUNTS);
        this.settingsMap = store.map("analytics_metric_settings");
        this.pieces = new SessionPieces(inactivitySec * 1000, idleCapSec * 1000);
        this.zone = zone;
        this.settings = "v3 inactivity=" + inactivitySec + " idle_cap=" + idleCapSec + " zone=" + zone.getId();
        if (enabled) {
            store.beforeCommit(this::applyQueued);
        }
    }

    ZoneId zone() {
        return zone;
    }

    LocalDate day(long millis) {
        return LocalDate.ofInstant(Instant.ofEpochMilli(millis), zone);
    }

    /** A day looked up: the times it covers and its key text. */
    private record CachedDay(long fromMillis, long toMillis, String text) {
    }

    /**
     * Days looked up, by UTC day number: a batch's events mostly fall on one day, a rebuild goes
     * through each identity's days in turn. Immutable entries, so racing readers see whole ones.
     */
    private final CachedDay[] cachedDays = new CachedDay[64];

    /** {@link #day} as key text, cached per day. */
    String dayKey(long millis) {
        int slot = (int) (Math.floorDiv(millis, 86_400_000L) & (cachedDays.length - 1));
        CachedDay cached = cachedDays[slot];
        if (cached != null && millis >= cached.fromMillis && millis < cached.toMillis) {
            return cached.text;
        }
        LocalDate day = day(millis);
        long from = day.atStartOfDay(zone).toInstant().toEpochMilli();
        long to = day.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
        cached = new CachedDay(from, to, day.toString());
        cachedDays[slot] = cached;
        return cached.text;
    }

    /** True when the stored numbers were derived with other settings (or never, over existing data), or a rebuild broke off. */
    boolean stale() {
        byte[] stored = settingsMap.get("settings");
        if (stored == null) {
            return sessions.size() > 0 || events.size() > 0;
        }
        return !new String(stored, StandardCharsets.UTF_8).equals(settings);
    }

    /** True when the settings the numbers are derived with are not recorded yet. */
    boolean settingsUnrecorded() {
        return !Arrays.equals(settingsMap.get("settings"), settings.getBytes(StandardCharsets.UTF_8));
    }

    /** Records the settings (on a new store; the rebuild records them too). Under the write lock. */
    void recordSettings() {
        settingsMap.put("settings", settings.getBytes(StandardCharsets.UTF_8));
    }

    // ---- the incremental path (under the write lock) ----

    /**
     * What the writes since the last commit changed, applied once right before their commit (see
     * {@link #applyQueued}): a session that a sign-in opened and a batch of events extended within
     * one group commit is then written once, not twice. Guarded by the store's write lock.
     */
    private final Map<String, QueuedSession> queuedSessions = new HashMap<>();
    private final Map<CountKey, Long> queuedCounts = new HashMap<>();

    /** A session's latest record and the event times the writes attributed to it. */
    private static final class QueuedSession {
        final String sessionKey;
        SessionRecord session;
        long[] times = new long[4];
        int count;

        QueuedSession(String sessionKey) {
            this.sessionKey = sessionKey;
        }

        void add(long[] newTimes, int n) {
            if (count + n > times.length) {
                times = Arrays.copyOf(times, Math.max(2 * times.length, count + n));
            }
            System.arraycopy(newTimes, 0, times, count, n);
            count += n;
        }
    }

    /** An event count's key, without building its text for every event. */
    private record CountKey(String day, String kind, String name) {
    }

    /**
     * A session was opened or had events attributed in this write: queued for {@link #applyQueued}.
     * Must be called after the write stored the session and its events.
     */
    void sessionChanged(SessionRecord session, long[] newTimes, int count) {
        if (!enabled) {
            return;
        }
        QueuedSession queued = queuedSessions.computeIfAbsent(metricKey(session), QueuedSession::new);
        queued.session = session; // the latest: later writes see (and store) earlier writes' changes
        queued.add(newTimes, count);
    }

    /**
     * Applies what the writes since the last commit queued, in that commit (the store calls it under
     * the write lock before changes leave memory, so the numbers are durable with the data they are
     * derived from and readable when those writes are acknowledged). The order of sessions does not
     * matter: each session's entries are its own, and first-seen days and counts are minimums and sums.
     */
    void applyQueued() {
        if (queuedSessions.isEmpty() && queuedCounts.isEmpty()) {
            return;
        }
        try {
            queuedSessions.values().forEach(q -> apply(q.sessionKey, q.session, q.times, q.count));
            queuedCounts.forEach((key, delta) -> addCount(key.day + SEP + key.kind + SEP + key.name, delta));
        } catch (RuntimeException e) {
            // the store is failing (a write to it threw): have the next start derive everything again
            log.error("Updating the session metrics failed; they are rebuilt at the next start", e);
            firstSeenCache.clear();
            try {
                settingsMap.put("settings", (REBUILDING + settings).getBytes(StandardCharsets.UTF_8));
            } catch (RuntimeException again) {
                e.addSuppressed(again);
            }
        } finally {
            queuedSessions.clear();
            queuedCounts.clear();
        }
    }

    /**
     * Updates one session's numbers. In-order events extend the last piece; an event before the
     * session's last point (a late event) re-derives the whole session from its stored events.
     */
    private void apply(String sessionKey, SessionRecord session, long[] newTimes, int count) {
        String startDay = dayKey(session.startMillis());
        byte[] bytes = daySessions.get(pieceKey(startDay, sessionKey, 0));
        Head old = bytes == null ? null : Head.decode(bytes);
        long earliest = old == null ? Long.MAX_VALUE : old.earliestEventMillis;
        for (int i = 0; i < count; i++) {
            earliest = Math.min(earliest, newTimes[i]);
        }
        List<SessionPieces.Piece> updated;
        if (old == null) {
            // a session new in this commit: every event attributed to it is one of these
            long[] sorted = Arrays.copyOf(newTimes, count);
            Arrays.sort(sorted);
            updated = pieces.derive(session.startMillis(), sorted, count);
        } else if (allInOrder(old.pieces, newTimes, count)) {
            updated = new ArrayList<>(old.pieces);
            long[] sorted = Arrays.copyOf(newTimes, count);
            Arrays.sort(sorted);
            for (long t : sorted) {
                pieces.append(updated, t);
            }
        } else {
            long[] times = attributedTimes(session, Math.min(earliest, session.startMillis()));
            updated = pieces.derive(session.startMillis(), times, times.length);
        }
        put(sessionKey, old, new Head(session.identityId(), earliest, updated));
        if (old == null) {
            seen(session.identityId(), startDay);
        }
        String lastMarked = startDay;
        for (int i = 0; i < count; i++) {
            String day = dayKey(newTimes[i]);
            if (!day.equals(lastMarked)) {
                lastMarked = day;
                if (!day.equals(startDay)) {
                    markActive(session.identityId(), day);
                }
            }
        }
    }

    private static boolean allInOrder(List<SessionPieces.Piece> pieces, long[] times, int count) {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < count; i++) {
            min = Math.min(min, times[i]);
        }
        return count == 0 || SessionPieces.inOrder(pieces, min);
    }

    /** The times of the session's stored events, ascending (one range read of its identity's events). */
    private long[] attributedTimes(SessionRecord session, long fromMillis) {
        String prefix = session.identityId() + SEP;
        long[][] holder = {new long[16]};
        int[] n = {0};
        events.scan(prefix + AnalyticsStore.time(fromMillis), prefix + AnalyticsStore.time(session.lastActivityMillis() + 1),
                (k, v) -> {
                    Records.MetricEvent e = Records.metricEvent(v);
                    if (e.kind() == EventRecord.Kind.ATTRIBUTED && e.sessionId().equals(session.sessionId())) {
                        if (n[0] == holder[0].length) {
                            holder[0] = Arrays.copyOf(holder[0], n[0] * 2);
                        }
                        holder[0][n[0]++] = e.timestampMillis();
                    }
                    return true;
                });
        long[] result = Arrays.copyOf(holder[0], n[0]);
        Arrays.sort(result);
        return result;
    }

    /**
     * Writes the session's new state: its head entry (piece 0 and the state) if anything changed, and
     * those of its later pieces that changed (there are later pieces only with the inactivity split on).
     */
    private void put(String sessionKey, Head old, Head updated) {
        if (updated.equals(old)) {
            return;
        }
        if (updated.pieces.size() > 1 || (old != null && old.pieces.size() > 1)) {
            putLaterPieces(sessionKey, old, updated);
        }
        daySessions.put(pieceKey(sessionKey, 0, updated.pieces.get(0)), updated.encode());
    }

    /** The day entries of pieces after the first: those that changed are written, those gone removed. */
    private void putLaterPieces(String sessionKey, Head old, Head updated) {
        Map<String, SessionPieces.Piece> before = new HashMap<>();
        if (old != null) {
            for (int i = 1; i < old.pieces.size(); i++) {
                before.put(pieceKey(sessionKey, i, old.pieces.get(i)), old.pieces.get(i));
            }
        }
        Set<String> after = new HashSet<>();
        for (int i = 1; i < updated.pieces.size(); i++) {
            SessionPieces.Piece piece = updated.pieces.get(i);
            String key = pieceKey(sessionKey, i, piece);
            after.add(key);
            if (!piece.equals(before.get(key))) {
                daySessions.put(key, encodePiece(updated.identityId, piece));
            }
        }
        before.keySet().stream().filter(k -> !after.contains(k)).forEach(daySessions::remove);
    }

    /**
     * A session's key in the metric maps: start time first, so that the sessions a batch touches
     * (recent ones) sit together at the end of the B-trees and a commit rewrites few pages.
     */
    static String metricKey(SessionRecord session) {
        return AnalyticsStore.time(session.startMillis()) + SEP + session.identityId() + SEP + session.sessionId();
    }

    private String pieceKey(String sessionKey, int index, SessionPieces.Piece piece) {
        return pieceKey(dayKey(piece.startMillis()), sessionKey, index);
    }

    private static String pieceKey(String day, String sessionKey, int index) {
        String digits = Integer.toString(index);
        return day + SEP + sessionKey + SEP + "000000".substring(Math.min(6, digits.length())) + digits;
    }

    /** Events stored by this write: counted per day, kind and name at {@link #applyQueued}. */
    void eventsStored(List<EventRecord> stored) {
        if (!enabled) {
            return;
        }
        for (EventRecord e : stored) {
            queuedCounts.merge(new CountKey(dayKey(e.timestampMillis()), e.via().metricKind(), e.name()), 1L, Long::sum);
        }
    }

    private String countKey(long millis, EventRecord.Via via, String name) {
        return dayKey(millis) + SEP + via.metricKind() + SEP + name;
    }

    private void addCount(String key, long delta) {
        byte[] was = eventCounts.get(key);
        long count = (was == null ? 0 : ByteBuffer.wrap(was).getLong()) + delta;
        if (count <= 0) {
            eventCounts.remove(key);
        } else {
            eventCounts.put(key, ByteBuffer.allocate(8).putLong(count).array());
        }
    }

    /** Marks the identity active on a day other than its session's start day. */
    private void markActive(String identityId, String day) {
        String key = day + SEP + identityId;
        if (!active.containsKey(key)) {
            active.put(key, PRESENT);
            seen(identityId, day);
        }
    }

    /** The identity was active on this day: moves its first-seen day earlier if needed. */
    private void seen(String identityId, String day) {
        String firstDay = firstSeenCache.get(identityId);
        if (firstDay != null && day.compareTo(firstDay) >= 0) {
            return; // the usual case: an identity seen before signs in again
        }
        byte[] first = firstSeen.get(identityId);
        firstDay = first == null ? null : new String(first, StandardCharsets.UTF_8);
        if (firstDay == null || day.compareTo(firstDay) < 0) {
            if (firstDay != null) {
                cohorts.remove(firstDay + SEP + identityId);
            }
            firstSeen.put(identityId, day.getBytes(StandardCharsets.UTF_8));
            cohorts.put(day + SEP + identityId, PRESENT);
            firstDay = day;
        }
        firstSeenCache.put(identityId, firstDay);
    }

    /** Memory the first-seen cache may take (identity ids and days with their map entries). */
    private static final long FIRST_SEEN_CACHE_BYTES = 4L << 20;

    /**
     * First-seen days as stored, for identities seen lately (least recently used go first, bounded by
     * {@link #FIRST_SEEN_CACHE_BYTES}): a sign-in of a known identity then reads nothing. Written
     * through with the map, under the store's write lock only.
     */
    private final WeighedCache firstSeenCache = new WeighedCache(FIRST_SEEN_CACHE_BYTES);

    /** A least-recently-used map of strings bounded by their estimated memory. */
    private static final class WeighedCache {
        private final long maxBytes;
        private long bytes;
        private final java.util.LinkedHashMap<String, String> entries = new java.util.LinkedHashMap<>(256, 0.75f, true);

        WeighedCache(long maxBytes) {
            this.maxBytes = maxBytes;
        }

        /** Two strings (about 40 bytes each plus their characters) and a linked map entry (about 40). */
        private static long weight(String key, String value) {
            return 120 + key.length() + value.length();
        }

        String get(String key) {
            return entries.get(key);
        }

        void put(String key, String value) {
            String was = entries.put(key, value);
            bytes += weight(key, value) - (was == null ? 0 : weight(key, was));
            var eldest = entries.entrySet().iterator();
            while (bytes > maxBytes && eldest.hasNext()) {
                var entry = eldest.next();
                bytes -= weight(entry.getKey(), entry.getValue());
                eldest.remove();
            }
        }

        void remove(String key) {
            String was = entries.remove(key);
            bytes -= was == null ? 0 : weight(key, was);
        }

        void clear() {
            entries.clear();
            bytes = 0;
        }
    }

    /**
     * Before an identity's data is erased: removes its sessions' numbers, its active days and
     * retention entries, and its events from the counts.
     */
    void identityErased(String identityId, List<SessionRecord> identitySessions) {
        if (!enabled) {
            return;
        }
        applyQueued();
        String prefix = identityId + SEP;
        for (SessionRecord s : identitySessions) {
            String sessionKey = metricKey(s);
            String headKey = pieceKey(dayKey(s.startMillis()), sessionKey, 0);
            byte[] bytes = daySessions.get(headKey);
            if (bytes != null) {
                Head head = Head.decode(bytes);
                for (int i = 1; i < head.pieces.size(); i++) {
                    daySessions.remove(pieceKey(sessionKey, i, head.pieces.get(i)));
                }
                daySessions.remove(headKey);
            }
        }
        Map<String, Long> counts = new HashMap<>();
        Set<String> marks = new HashSet<>();
        events.scan(prefix, prefix + END, (k, v) -> {
            Records.MetricEvent e = Records.metricEvent(v);
            counts.merge(countKey(e.timestampMillis(), e.via(), e.name()), -1L, Long::sum);
            marks.add(dayKey(e.timestampMillis()) + SEP + identityId);
            return true;
        });
        counts.forEach(this::addCount);
        marks.stream().filter(active::containsKey).forEach(active::remove);
        byte[] first = firstSeen.get(identityId);
        firstSeenCache.remove(identityId);
        if (first != null) {
            cohorts.remove(new String(first, StandardCharsets.UTF_8) + SEP + identityId);
            firstSeen.remove(identityId);
        }
    }

    /** Before a write removes events by retention: what earlier writes queued is applied first. */
    void beforeEventsPruned() {
        if (enabled) {
            applyQueued();
        }
    }

    /**
     * Events were removed by retention (their values given): they stop counting, their sessions are
     * re-derived from the events that remain, and their identities' active-day marks and first-seen
     * days are checked again, so the numbers stay those a rebuild would give.
     */
    void eventsPruned(List<byte[]> removed, java.util.function.Function<String, SessionRecord> sessionById) {
        if (!enabled || removed.isEmpty()) {
            return;
        }
        Map<String, Long> counts = new HashMap<>();
        Set<String> sessionIds = new HashSet<>();
        Map<String, Set<String>> days = new HashMap<>();
        for (byte[] value : removed) {
            Records.MetricEvent e = Records.metricEvent(value);
            counts.merge(countKey(e.timestampMillis(), e.via(), e.name()), -1L, Long::sum);
            if (e.kind() == EventRecord.Kind.ATTRIBUTED) {
                sessionIds.add(e.sessionId());
                days.computeIfAbsent(e.identityId(), k -> new HashSet<>()).add(dayKey(e.timestampMillis()));
            }
        }
        counts.forEach(this::addCount);
        for (String sessionId : sessionIds) {
            SessionRecord session = sessionById.apply(sessionId);
            if (session != null) {
                rederive(session);
            }
        }
        days.forEach((identityId, identityDays) -> {
            Set<String> marked = markedDays(identityId, sessionById);
            for (String day : identityDays) {
                String key = day + SEP + identityId;
                if (!marked.contains(day) && active.containsKey(key)) {
                    active.remove(key);
                }
            }
            resetFirstSeen(identityId, marked);
        });
    }

    /** Derives a session again from its stored events. */
    private void rederive(SessionRecord session) {
        String sessionKey = metricKey(session);
        byte[] bytes = daySessions.get(pieceKey(dayKey(session.startMillis()), sessionKey, 0));
        Head old = bytes == null ? null : Head.decode(bytes);
        long from = Math.min(session.startMillis(), old == null ? Long.MAX_VALUE : old.earliestEventMillis);
        long[] times = attributedTimes(session, from);
        put(sessionKey, old, new Head(session.identityId(), times.length == 0 ? Long.MAX_VALUE : times[0],
                pieces.derive(session.startMillis(), times, times.length)));
    }

    /** The days an identity's stored events mark it active apart from its sessions' start days. */
    private Set<String> markedDays(String identityId, java.util.function.Function<String, SessionRecord> sessionById) {
        Set<String> marked = new HashSet<>();
        Map<String, String> startDays = new HashMap<>();
        String prefix = identityId + SEP;
        events.scan(prefix, prefix + END, (k, v) -> {
            Records.MetricEvent e = Records.metricEvent(v);
            if (e.kind() == EventRecord.Kind.ATTRIBUTED) {
                String startDay = startDays.computeIfAbsent(e.sessionId(), sid -> {
                    SessionRecord s = sessionById.apply(sid);
                    return s == null ? "" : dayKey(s.startMillis());
                });
                String day = dayKey(e.timestampMillis());
                if (!day.equals(startDay)) {
                    marked.add(day);
                }
            }
            return true;
        });
        return marked;
    }

    /** Sets an identity's first-seen day from its sessions' start days and its marked days. */
    private void resetFirstSeen(String identityId, Set<String> marked) {
        String prefix = identityId + SEP;
        String[] first = {marked.stream().min(String::compareTo).orElse(null)};
        sessions.scan(prefix, prefix + END, (k, v) -> {
            String day = dayKey(Records.session(v).startMillis());
            first[0] = first[0] == null ? day : earlier(first[0], day);
            return true;
        });
        byte[] stored = firstSeen.get(identityId);
        String was = stored == null ? null : new String(stored, StandardCharsets.UTF_8);
        if (java.util.Objects.equals(was, first[0])) {
            return;
        }
        firstSeenCache.remove(identityId);
        if (was != null) {
            cohorts.remove(was + SEP + identityId);
            firstSeen.remove(identityId);
        }
        if (first[0] != null) {
            firstSeen.put(identityId, first[0].getBytes(StandardCharsets.UTF_8));
            cohorts.put(first[0] + SEP + identityId, PRESENT);
        }
    }

    // ---- the full rebuild ----

    /**
     * Clears every metric map and derives them again from the stored sessions and events. Gives the
     * same numbers as the incremental path. Blocks; never call it inside a store write.
     *
     * <p>The derived entries skip the write-ahead log ({@link Store#unloggedMap}): they can always be
     * derived again, and logging some 140,000 entries per million events made the rebuild three
     * times slower. Crash safety: (1) a logged, durable write replaces the recorded settings with a
     * "rebuilding" mark; (2) one write (ingestion waits) clears the maps and derives them, unlogged;
     * (3) a checkpoint puts the trees, and so the derived entries, in the store file; (4) a logged
     * write records the settings again. A crash before (4) is durable leaves the mark, so the next
     * start finds the numbers {@link #stale()} and rebuilds; once (4) is durable, (3) was complete and
     * every log record replayed over it is newer than the derived entries.
     */
    Metrics.Rebuilt rebuild() {
        return rebuild(step -> { });
    }

    /** @param afterStep told after steps 2 and 3 (tests copy the data folder there, as a crash would leave it) */
    Metrics.Rebuilt rebuild(java.util.function.IntConsumer afterStep) {
        rebuilding.lock();
        try {
            long began = System.nanoTime();
            byte[] mark = (REBUILDING + settings).getBytes(StandardCharsets.UTF_8);
            store.write(() -> {
                settingsMap.put("settings", mark);
                return null;
            }).join();
            long[] counted = store.write(this::derive).join();
            afterStep.accept(2);
            store.checkpoint();
            afterStep.accept(3);
            store.write(() -> {
                recordSettings();
                return null;
            }).join();
            return new Metrics.Rebuilt(counted[0], counted[1], (System.nanoTime() - began) / 1_000_000);
        } finally {
            rebuilding.unlock();
        }
    }

    /**
     * Step (2) of {@link #rebuild}: under the write lock. Returns the sessions and events it read.
     * Reading a million stored events is most of a rebuild (the B-tree's own page reads and key
     * decoding), so key ranges of the events, cut at identity boundaries, are read on one thread per
     * core while this one empties the derived maps. Each reader derives identity by identity (an
     * identity's events and sessions sit together in both maps) and writes the entries as it goes,
     * so a rebuild holds one identity's data at a time, whatever the store's size.
     */
    private long[] derive() {
        // what earlier writes queued is derived below from what they stored
        queuedSessions.clear();
        queuedCounts.clear();
        firstSeenCache.clear();
        List<String> cuts = identityCuts(events.splitKeys(Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors()))));
        RebuildOutput out = new RebuildOutput(store.unloggedMap(DAY_SESSIONS), store.unloggedMap(ACTIVE),
                store.unloggedMap(FIRST_SEEN), store.unloggedMap(COHORTS));
        ExecutorService readers = Executors.newFixedThreadPool(cuts.size() + 1, runnable -> {
            Thread thread = new Thread(runnable, "metrics-rebuild-reader");
            thread.setDaemon(true);
            return thread;
        });
        boolean done = false;
        try {
            List<Future<RangeTally>> ranges = new ArrayList<>();
            for (int i = 0; i <= cuts.size(); i++) {
                String from = i == 0 ? "" : cuts.get(i - 1);
                String to = i == cuts.size() ? END : cuts.get(i);
                ranges.add(readers.submit(() -> deriveRange(from, to, out.writer())));
            }
            KvMap directCounts = store.unloggedMap(EVENT_COUNTS);
            for (KvMap map : List.of(store.unloggedMap(LEGACY_STATES), out.days, out.active, out.firstSeen, out.cohorts,
                    directCounts)) {
                map.clear();
            }
            out.open();
            Map<String, long[]> counts = new TreeMap<>();
            long sessionsRead = 0;
            long eventsRead = 0;
            for (Future<RangeTally> range : ranges) {
                RangeTally tally = result(range);
                tally.counts.forEach((key, n) -> counts.computeIfAbsent(key, k -> new long[1])[0] += n[0]);
                sessionsRead += tally.sessions;
                eventsRead += tally.events;
            }
            counts.forEach((key, count) -> directCounts.put(key, ByteBuffer.allocate(8).putLong(count[0]).array()));
            done = true;
            return new long[] {sessionsRead, eventsRead};
        } finally {
            if (!done) {
                out.abandon();
            }
            // not shutdownNow: interrupting a reader inside a file read could close the store's channel
            readers.shutdown();
        }
    }

    /** Split keys moved back to the start of their identity's keys, so that no identity spans two ranges. */
    private static List<String> identityCuts(List<String> keys) {
        List<String> cuts = new ArrayList<>();
        for (String key : keys) {
            int sep = key.indexOf(SEP);
            String cut = sep < 0 ? key : key.substring(0, sep + 1);
            if (!cut.isEmpty() && (cuts.isEmpty() || cut.compareTo(cuts.get(cuts.size() - 1)) > 0)) {
                cuts.add(cut);
            }
        }
        return cuts;
    }

    /** What one range of a rebuild read: its event counts (written last, merged), sessions and events. */
    private static final class RangeTally {
        final Map<String, long[]> counts = new HashMap<>();
        long sessions;
        long events;
    }

    /** One identity's attributed event times by session, as a range reader collects them. */
    private static final class IdentityEvents {
        final String identityId;
        final Map<String, SessionTimes> bySession = new HashMap<>();

        IdentityEvents(String identityId) {
            this.identityId = identityId;
        }
    }

    /**
     * Derives every identity whose keys fall in {@code [from, to)}: the events in key order, grouped
     * by identity, each group with its identity's sessions; between groups, the sessions of
     * identities that have no events.
     */
    private RangeTally deriveRange(String from, String to, RebuildOutput.Writer out) {
        RangeTally tally = new RangeTally();
        IdentityEvents[] current = {null};
        String[] derivedUpTo = {from};
        events.scan(from, to, (k, v) -> {
            Records.MetricEvent e = Records.metricEvent(v);
            tally.events++;
            tally.counts.computeIfAbsent(countKey(e.timestampMillis(), e.via(), e.name()), key -> new long[1])[0]++;
            String identityId = k.substring(0, k.indexOf(SEP));
            if (current[0] == null || !current[0].identityId.equals(identityId)) {
                if (current[0] != null) {
                    derivedUpTo[0] = deriveIdentity(current[0], derivedUpTo[0], out, tally);
                }
                current[0] = new IdentityEvents(identityId);
            }
            if (e.kind() == EventRecord.Kind.ATTRIBUTED) {
                current[0].bySession.computeIfAbsent(e.sessionId(), sid -> new SessionTimes())
                        .add(e.timestampMillis());
            }
            return true;
        });
        if (current[0] != null) {
            derivedUpTo[0] = deriveIdentity(current[0], derivedUpTo[0], out, tally);
        }
        deriveSessionsWithoutEvents(derivedUpTo[0], to, out, tally);
        out.flush();
        return tally;
    }

    /** Derives one identity with events (and those before it without); returns the key derived up to. */
    private String deriveIdentity(IdentityEvents identity, String derivedUpTo, RebuildOutput.Writer out, RangeTally tally) {
        String prefix = identity.identityId + SEP;
        deriveSessionsWithoutEvents(derivedUpTo, prefix, out, tally);
        List<SessionRecord> own = new ArrayList<>();
        sessions.scan(prefix, prefix + END, (k, v) -> own.add(Records.session(v)));
        deriveIdentitySessions(identity.identityId, own, identity.bySession, out, tally);
        return prefix + END;
    }

    /** Derives the sessions with {@code from <= key < to}, identity by identity, none with events. */
    private void deriveSessionsWithoutEvents(String from, String to, RebuildOutput.Writer out, RangeTally tally) {
        List<SessionRecord> batch = new ArrayList<>();
        sessions.scan(from, to, (k, v) -> {
            SessionRecord s = Records.session(v);
            if (!batch.isEmpty() && !batch.get(0).identityId().equals(s.identityId())) {
                deriveIdentitySessions(batch.get(0).identityId(), batch, Map.of(), out, tally);
                batch.clear();
            }
            return batch.add(s);
        });
        if (!batch.isEmpty()) {
            deriveIdentitySessions(batch.get(0).identityId(), batch, Map.of(), out, tally);
        }
    }

    /** Writes one identity's day entries, active marks, first-seen day and cohort entry. */
    private void deriveIdentitySessions(String identityId, List<SessionRecord> own, Map<String, SessionTimes> times,
                                        RebuildOutput.Writer out, RangeTally tally) {
        String first = null;
        Map<String, SessionRecord> byId = new HashMap<>();
        for (SessionRecord s : own) {
            byId.put(s.sessionId(), s);
            SessionTimes list = times.get(s.sessionId());
            long[] sorted = list == null ? new long[0] : list.sorted();
            int n = list == null ? 0 : list.size;
            Head head = new Head(s.identityId(), n == 0 ? Long.MAX_VALUE : sorted[0], pieces.derive(s.startMillis(), sorted, n));
            String sessionKey = metricKey(s);
            out.put(out.days(), pieceKey(sessionKey, 0, head.pieces.get(0)), head.encode());
            for (int i = 1; i < head.pieces.size(); i++) {
                out.put(out.days(), pieceKey(sessionKey, i, head.pieces.get(i)), encodePiece(s.identityId(), head.pieces.get(i)));
            }
            String startDay = dayKey(s.startMillis());
            first = first == null ? startDay : earlier(first, startDay);
            tally.sessions++;
        }
        // the days, other than its session's start day, that the identity had an attributed event
        Set<String> marked = new TreeSet<>();
        times.forEach((sessionId, list) -> {
            SessionRecord s = byId.get(sessionId);
            String startDay = s == null ? null : dayKey(s.startMillis());
            for (int i = 0; i < list.size; i++) {
                String day = dayKey(list.values[i]);
                if (!day.equals(startDay)) {
                    marked.add(day);
                }
            }
        });
        for (String day : marked) {
            out.put(out.active(), day + SEP + identityId, PRESENT);
            first = first == null ? day : earlier(first, day);
        }
        if (first != null) {
            out.put(out.firstSeen(), identityId, first.getBytes(StandardCharsets.UTF_8));
            out.put(out.cohorts(), first + SEP + identityId, PRESENT);
        }
    }

    /**
     * Where a rebuild's readers write: the derived maps, which the write's own thread clears first.
     * A reader holds its entries back until then, up to a bound, then waits.
     */
    private record RebuildOutput(KvMap days, KvMap active, KvMap firstSeen, KvMap cohorts, CountDownLatch cleared,
                                 AtomicBoolean abandoned) {
        /** Entries a reader holds back while the maps are being cleared. */
        private static final int HELD_MAX = 65_536;

        RebuildOutput(KvMap days, KvMap active, KvMap firstSeen, KvMap cohorts) {
            this(days, active, firstSeen, cohorts, new CountDownLatch(1), new AtomicBoolean());
        }

        /** The maps are empty: readers may write. */
        void open() {
            cleared.countDown();
        }

        /** The rebuild failed: readers stop at their next write instead of waiting or writing. */
        void abandon() {
            abandoned.set(true);
            cleared.countDown();
        }

        Writer writer() {
            return new Writer();
        }

        private record Held(KvMap map, String key, byte[] value) {
        }

        final class Writer {
            private final List<Held> held = new ArrayList<>();
            private boolean writing;

            void put(KvMap map, String key, byte[] value) {
                if (!writing && cleared.getCount() > 0 && held.size() < HELD_MAX) {
                    held.add(new Held(map, key, value));
                    return;
                }
                flush();
                map.put(key, value);
            }

            KvMap days() {
                return days;
            }

            KvMap active() {
                return active;
            }

            KvMap firstSeen() {
                return firstSeen;
            }

            KvMap cohorts() {
                return cohorts;
            }

            /** Waits until the maps are cleared, then writes what was held back. */
            void flush() {
                if (!writing) {
                    try {
                        cleared.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while rebuilding the session metrics", e);
                    }
                    writing = true;
                }
                if (abandoned.get()) {
                    throw new IllegalStateException("the rebuild of the session metrics was abandoned");
                }
                held.forEach(h -> h.map.put(h.key, h.value));
                held.clear();
            }
        }
    }

    /** A reader's result; its failure (a store error, say) is rethrown as it was. */
    private static <T> T result(Future<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while rebuilding the session metrics", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private static String earlier(String a, String b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Every entry of every metric map, for tests that compare the incremental path with a rebuild. */
    Map<String, String> dump() {
        Map<String, String> all = new TreeMap<>();
        Map<String, KvMap> maps = Map.of("day_sessions", daySessions, "active", active,
                "first_seen", firstSeen, "cohorts", cohorts, "event_counts", eventCounts);
        maps.forEach((name, map) -> map.scan("", END, (k, v) -> {
            all.put(name + " " + k, Arrays.toString(v));
            return true;
        }));
        return all;
    }

    // ---- reads ----

    /** The pieces of one day, by start day. */
    List<DayPiece> sessionsOn(LocalDate day) {
        List<DayPiece> list = new ArrayList<>();
        String from = day.toString() + SEP;
        daySessions.scan(from, from + END, (k, v) -> {
            list.add(decodePiece(v));
            return true;
        });
        return list;
    }

    /** A piece as the day index stores it. */
    record DayPiece(String identityId, long startMillis, long lastMillis, int events, long activeMillis) {
        long lengthMillis() {
            return lastMillis - startMillis;
        }
    }

    /**
     * The identities active on a day (a session start or an attributed event): those that started a
     * session or a piece that day ({@code piecesOfDay}, as {@link #sessionsOn} read them) and those
     * marked for an event on another day than their session's start.
     */
    Set<String> activeOn(LocalDate day, List<DayPiece> piecesOfDay) {
        Set<String> ids = new HashSet<>();
        piecesOfDay.forEach(p -> ids.add(p.identityId()));
        addMarked(day, ids);
        return ids;
    }

    /** The identities active on a day (see {@link #activeOn(LocalDate, List)}), reading only their ids. */
    Set<String> activeOn(LocalDate day) {
        Set<String> ids = new HashSet<>();
        String from = day.toString() + SEP;
        daySessions.scan(from, from + END, (k, v) -> {
            ids.add(identityOf(v));
            return true;
        });
        addMarked(day, ids);
        return ids;
    }

    /** The identities marked active on a day for an event on another day than their session's start. */
    Set<String> markedOn(LocalDate day) {
        Set<String> ids = new HashSet<>();
        addMarked(day, ids);
        return ids;
    }

    /** An identity's stored sessions that started before a time, oldest first. */
    List<SessionRecord> sessionsStartedBefore(String identityId, long beforeMillis) {
        List<SessionRecord> list = new ArrayList<>();
        String prefix = identityId + SEP;
        sessions.scan(prefix, prefix + AnalyticsStore.time(beforeMillis), (k, v) -> list.add(Records.session(v)));
        return list;
    }

    private void addMarked(LocalDate day, Set<String> ids) {
        String from = day.toString() + SEP;
        active.scan(from, from + END, (k, v) -> {
            ids.add(k.substring(from.length()));
            return true;
        });
    }

    /** The identities first seen on a day. */
    List<String> cohort(LocalDate day) {
        List<String> ids = new ArrayList<>();
        String from = day.toString() + SEP;
        cohorts.scan(from, from + END, (k, v) -> {
            ids.add(k.substring(from.length()));
            return true;
        });
        return ids;
    }

    /** Event counts of a day: name to kind to count. */
    Map<String, Map<String, Long>> eventCounts(LocalDate day) {
        Map<String, Map<String, Long>> byName = new TreeMap<>();
        String from = day.toString() + SEP;
        eventCounts.scan(from, from + END, (k, v) -> {
            String rest = k.substring(from.length());
            int sep = rest.indexOf(SEP);
            byName.computeIfAbsent(rest.substring(sep + 1), x -> new TreeMap<>())
                    .put(rest.substring(0, sep), ByteBuffer.wrap(v).getLong());
            return true;
        });
        return byName;
    }

    /** The derived pieces of one stored session (empty if it has none yet). */
    List<SessionPieces.Piece> piecesOf(SessionRecord session) {
        byte[] bytes = daySessions.get(pieceKey(dayKey(session.startMillis()), metricKey(session), 0));
        return bytes == null ? List.of() : Head.decode(bytes).pieces;
    }

    // ---- encoding ----
    // Compact, because every metric write is also a write-ahead log record: the identity, then the
    // first piece's start as a long and everything else as variable-length differences from it.

    /** Tags of the day entries: a session's first piece with its state, or a later piece. */
    private static final byte HEAD = 3;
    private static final byte PIECE = 1;

    /** A session's derived state, stored in the day entry of its first piece. */
    private record Head(String identityId, long earliestEventMillis, List<SessionPieces.Piece> pieces) {
        byte[] encode() {
            Out out = new Out(identityId.length() + 24 + 12 * pieces.size());
            out.tag(HEAD).text(identityId);
            long start = pieces.get(0).startMillis();
            out.fixed(start);
            // no event yet: 0; else the earliest event's distance from the start (it may be before it), plus one
            out.varint(earliestEventMillis == Long.MAX_VALUE ? 0 : zigzag(earliestEventMillis - start) + 1);
            out.varint(pieces.size());
            for (SessionPieces.Piece p : pieces) {
                out.varint(zigzag(p.startMillis() - start)).varint(p.lastMillis() - p.startMillis())
                        .varint(p.events()).varint(p.activeMillis());
            }
            return out.bytes();
        }

        static Head decode(byte[] bytes) {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            in.get();
            String identityId = text(in);
            long start = in.getLong();
            long earliest = varint(in);
            earliest = earliest == 0 ? Long.MAX_VALUE : start + unzigzag(earliest - 1);
            int n = (int) varint(in);
            List<SessionPieces.Piece> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                long pieceStart = start + unzigzag(varint(in));
                list.add(new SessionPieces.Piece(pieceStart, pieceStart + varint(in), (int) varint(in), varint(in)));
            }
            return new Head(identityId, earliest, list);
        }
    }

    private static byte[] encodePiece(String identityId, SessionPieces.Piece p) {
        return new Out(identityId.length() + 24).tag(PIECE).text(identityId).fixed(p.startMillis())
                .varint(p.lastMillis() - p.startMillis()).varint(p.events()).varint(p.activeMillis()).bytes();
    }

    /** A day entry as one piece: the first piece of a head, or the piece itself. */
    private static DayPiece decodePiece(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        byte tag = in.get();
        String identityId = text(in);
        long start = in.getLong();
        if (tag == HEAD) {
            varint(in); // earliest event
            varint(in); // pieces
            start += unzigzag(varint(in));
        }
        long last = start + varint(in);
        return new DayPiece(identityId, start, last, (int) varint(in), varint(in));
    }

    /** The identity of a day entry, without decoding the rest. */
    private static String identityOf(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        in.get();
        return text(in);
    }

    private static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private static long unzigzag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }

    private static long varint(ByteBuffer in) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in.get();
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return v;
            }
        }
        throw new IllegalStateException("malformed metric entry");
    }

    private static String text(ByteBuffer in) {
        byte[] utf8 = new byte[(int) varint(in)];
        in.get(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    /** A growing byte array for the entries above. */
    private static final class Out {
        private byte[] bytes;
        private int size;

        Out(int capacity) {
            bytes = new byte[capacity];
        }

        private void ensure(int more) {
            if (size + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(2 * bytes.length, size + more));
            }
        }

        Out tag(byte tag) {
            ensure(1);
            bytes[size++] = tag;
            return this;
        }

        Out fixed(long v) {
            ensure(8);
            ByteBuffer.wrap(bytes, size, 8).putLong(v);
            size += 8;
            return this;
        }

        Out varint(long v) {
            ensure(10);
            while ((v & ~0x7FL) != 0) {
                bytes[size++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            bytes[size++] = (byte) v;
            return this;
        }

        Out text(String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            varint(utf8.length);
            ensure(utf8.length);
            System.arraycopy(utf8, 0, bytes, size, utf8.length);
            size += utf8.length;
            return this;
        }

        byte[] bytes() {
            return Arrays.copyOf(bytes, size);
        }
    }
}
