package io.guildhall.runtime.analytics;

import io.guildhall.runtime.store.KvMap;
import io.guildhall.runtime.store.Store;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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

/**
 * The session metrics, kept in the store next to the data they are derived from and updated in
 * the same write that stores sessions and events (so they survive restarts and are readable as
 * soon as the write is acknowledged). Mutating methods run under the store's write lock.
 *
 * <p>Maps (a session is named {@code start|iid|sid}, start first: see {@link #metricKey}):
 * <ul>
 * <li>{@code analytics_metric_sessions}: session key to its derived pieces ({@link SessionPieces})
 *     and its earliest event time (the start of the range a re-derivation reads);</li>
 * <li>{@code analytics_metric_day_sessions}: {@code day|start|iid|sid|piece} to one piece, so that a
 *     day's session numbers are one range read;</li>
 * <li>{@code analytics_metric_active}: {@code day|iid} for each day an identity was active;</li>
 * <li>{@code analytics_metric_first_seen} ({@code iid} to day) and {@code analytics_metric_cohorts}
 *     ({@code day|iid}) for retention;</li>
 * <li>{@code analytics_metric_event_counts}: {@code day|kind|name} to a count;</li>
 * <li>{@code analytics_metric_settings}: the settings the numbers were derived with.</li>
 * </ul>
 */
final class SessionMetrics {
    private static final char SEP = '|';
    private static final String END = "\uffff";
    private static final byte[] PRESENT = {1};

    private final Store store;
    private final KvMap sessions;
    private final KvMap events;
    private final KvMap states;
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

    SessionMetrics(Store store, KvMap sessions, KvMap events, long inactivitySec, long idleCapSec, ZoneId zone,
                   boolean enabled) {
        this.enabled = enabled;
        this.store = store;
        this.sessions = sessions;
        this.events = events;
        this.states = store.map("analytics_metric_sessions");
        this.daySessions = store.map("analytics_metric_day_sessions");
        this.active = store.map("analytics_metric_active");
        this.firstSeen = store.map("analytics_metric_first_seen");
        this.cohorts = store.map("analytics_metric_cohorts");
        this.eventCounts = store.map("analytics_metric_event_counts");
        this.settingsMap = store.map("analytics_metric_settings");
        this.pieces = new SessionPieces(inactivitySec * 1000, idleCapSec * 1000);
        this.zone = zone;
        this.settings = "v2 inactivity=" + inactivitySec + " idle_cap=" + idleCapSec + " zone=" + zone.getId();
    }

    ZoneId zone() {
        return zone;
    }

    LocalDate day(long millis) {
        return LocalDate.ofInstant(Instant.ofEpochMilli(millis), zone);
    }

    /** The last day looked up, so that a batch's events (mostly on one day) compute it once. */
    private record CachedDay(long fromMillis, long toMillis, String text) {
    }

    private volatile CachedDay cachedDay = new CachedDay(0, 0, "");

    /** {@link #day} as key text, cached per day. */
    String dayKey(long millis) {
        CachedDay cached = cachedDay;
        if (millis >= cached.fromMillis && millis < cached.toMillis) {
            return cached.text;
        }
        LocalDate day = day(millis);
        long from = day.atStartOfDay(zone).toInstant().toEpochMilli();
        long to = day.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
        cached = new CachedDay(from, to, day.toString());
        cachedDay = cached;
        return cached.text;
    }

    /** True when the stored numbers were derived with other settings (or never, over existing data). */
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
     * A session was opened or had events attributed in this write. In-order events extend the last
     * piece; an event before the session's last point (a late event) re-derives the whole session
     * from its stored events, which the write has already put.
     */
    void sessionChanged(SessionRecord session, long[] newTimes, int count) {
        if (!enabled) {
            return;
        }
        String sessionKey = metricKey(session);
        byte[] bytes = states.get(sessionKey);
        State old = bytes == null ? null : State.decode(bytes);
        long earliest = old == null ? Long.MAX_VALUE : old.earliestEventMillis;
        for (int i = 0; i < count; i++) {
            earliest = Math.min(earliest, newTimes[i]);
        }
        List<SessionPieces.Piece> updated;
        if (old == null && count == 0) {
            updated = pieces.derive(session.startMillis(), newTimes, 0);
        } else if (old != null && allInOrder(old.pieces, newTimes, count)) {
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
        put(sessionKey, session.identityId(), old, new State(session.identityId(), earliest, updated));
        activeOn(session.identityId(), session.startMillis());
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
        long[] times = new long[16];
        int[] n = {0};
        long[][] holder = {times};
        events.scan(prefix + AnalyticsStore.time(fromMillis), prefix + AnalyticsStore.time(session.lastActivityMillis() + 1),
                (k, v) -> {
                    EventRecord e = Records.event(v);
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

    /** Writes the session's new state and moves its day entries: only the pieces that changed are written. */
    private void put(String sessionKey, String identityId, State old, State updated) {
        Map<String, SessionPieces.Piece> before = new HashMap<>();
        if (old != null) {
            for (int i = 0; i < old.pieces.size(); i++) {
                before.put(pieceKey(sessionKey, i, old.pieces.get(i)), old.pieces.get(i));
            }
        }
        Set<String> after = new HashSet<>();
        for (int i = 0; i < updated.pieces.size(); i++) {
            SessionPieces.Piece piece = updated.pieces.get(i);
            String key = pieceKey(sessionKey, i, piece);
            after.add(key);
            if (!piece.equals(before.get(key))) {
                daySessions.put(key, encodePiece(identityId, piece));
            }
        }
        before.keySet().stream().filter(k -> !after.contains(k)).forEach(daySessions::remove);
        states.put(sessionKey, updated.encode());
    }

    /**
     * A session's key in the metric maps: start time first, so that the sessions a batch touches
     * (recent ones) sit together at the end of the B-trees and a commit rewrites few pages.
     */
    static String metricKey(SessionRecord session) {
        return AnalyticsStore.time(session.startMillis()) + SEP + session.identityId() + SEP + session.sessionId();
    }

    private String pieceKey(String sessionKey, int index, SessionPieces.Piece piece) {
        String digits = Integer.toString(index);
        return dayKey(piece.startMillis()) + SEP + sessionKey + SEP + "000000".substring(Math.min(6, digits.length())) + digits;
    }

    /** Events stored by this write: counts per day, kind and name (one read and write per distinct key). */
    void eventsStored(List<EventRecord> stored) {
        if (!enabled) {
            return;
        }
        Map<String, Long> counts = new HashMap<>();
        Set<String> seen = new HashSet<>();
        for (EventRecord e : stored) {
            String day = dayKey(e.timestampMillis());
            counts.merge(day + SEP + e.via().metricKind() + SEP + e.name(), 1L, Long::sum);
            if (e.kind() == EventRecord.Kind.ATTRIBUTED && seen.add(day + SEP + e.identityId())) {
                activeOn(e.identityId(), e.timestampMillis());
            }
        }
        counts.forEach(this::addCount);
    }

    private String countKey(EventRecord e) {
        return dayKey(e.timestampMillis()) + SEP + e.via().metricKind() + SEP + e.name();
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

    /** Marks the identity active on the day of this time, and moves its first-seen day earlier if needed. */
    private void activeOn(String identityId, long millis) {
        String day = dayKey(millis);
        String key = day + SEP + identityId;
        if (active.containsKey(key)) {
            return;
        }
        active.put(key, PRESENT);
        byte[] first = firstSeen.get(identityId);
        String firstDay = first == null ? null : new String(first, StandardCharsets.UTF_8);
        if (firstDay == null || day.compareTo(firstDay) < 0) {
            if (firstDay != null) {
                cohorts.remove(firstDay + SEP + identityId);
            }
            firstSeen.put(identityId, day.getBytes(StandardCharsets.UTF_8));
            cohorts.put(key, PRESENT);
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
        String prefix = identityId + SEP;
        for (SessionRecord s : identitySessions) {
            String sessionKey = metricKey(s);
            byte[] bytes = states.get(sessionKey);
            if (bytes != null) {
                State state = State.decode(bytes);
                for (int i = 0; i < state.pieces.size(); i++) {
                    daySessions.remove(pieceKey(sessionKey, i, state.pieces.get(i)));
                }
                states.remove(sessionKey);
            }
            active.remove(day(s.startMillis()) + "" + SEP + identityId);
        }
        Map<String, Long> counts = new HashMap<>();
        events.scan(prefix, prefix + END, (k, v) -> {
            EventRecord e = Records.event(v);
            counts.merge(countKey(e), -1L, Long::sum);
            active.remove(day(e.timestampMillis()) + "" + SEP + identityId);
            return true;
        });
        counts.forEach(this::addCount);
        byte[] first = firstSeen.get(identityId);
        if (first != null) {
            cohorts.remove(new String(first, StandardCharsets.UTF_8) + SEP + identityId);
            firstSeen.remove(identityId);
        }
    }

    // ---- the full rebuild ----

    /**
     * Clears every metric map and derives them again from the stored sessions and events, in one
     * write (ingestion waits for it). Gives the same numbers as the incremental path.
     */
    Metrics.Rebuilt rebuild() {
        long began = System.nanoTime();
        for (KvMap map : List.of(states, daySessions, active, firstSeen, cohorts, eventCounts)) {
            clear(map);
        }
        // Pass 1: every event, in identity then time order; attributed times collected per session.
        Map<String, long[]> times = new HashMap<>();
        Map<String, Integer> timeCounts = new HashMap<>();
        Map<String, Long> counts = new HashMap<>();
        long[] eventCount = {0};
        events.scan("", END, (k, v) -> {
            EventRecord e = Records.event(v);
            eventCount[0]++;
            counts.merge(countKey(e), 1L, Long::sum);
            if (e.kind() == EventRecord.Kind.ATTRIBUTED) {
                activeOn(e.identityId(), e.timestampMillis());
                String sid = e.sessionId();
                int n = timeCounts.getOrDefault(sid, 0);
                long[] list = times.get(sid);
                if (list == null || n == list.length) {
                    list = list == null ? new long[8] : Arrays.copyOf(list, n * 2);
                    times.put(sid, list);
                }
                list[n] = e.timestampMillis();
                timeCounts.put(sid, n + 1);
            }
            return true;
        });
        counts.forEach(this::addCount);
        // Pass 2: every session, derived from its collected times.
        long[] sessionCount = {0};
        List<Map.Entry<String, SessionRecord>> all = new ArrayList<>();
        sessions.scan("", END, (k, v) -> all.add(Map.entry(k, Records.session(v))));
        for (Map.Entry<String, SessionRecord> entry : all) {
            SessionRecord s = entry.getValue();
            sessionCount[0]++;
            long[] list = times.getOrDefault(s.sessionId(), new long[0]);
            int n = timeCounts.getOrDefault(s.sessionId(), 0);
            Arrays.sort(list, 0, n);
            long earliest = n == 0 ? Long.MAX_VALUE : list[0];
            put(metricKey(s), s.identityId(), null, new State(s.identityId(), earliest, pieces.derive(s.startMillis(), list, n)));
            activeOn(s.identityId(), s.startMillis());
        }
        settingsMap.put("settings", settings.getBytes(StandardCharsets.UTF_8));
        return new Metrics.Rebuilt(sessionCount[0], eventCount[0], (System.nanoTime() - began) / 1_000_000);
    }

    private static void clear(KvMap map) {
        List<String> keys = new ArrayList<>();
        map.scan("", END, (k, v) -> keys.add(k));
        keys.forEach(map::remove);
    }

    /** Every entry of every metric map, for tests that compare the incremental path with a rebuild. */
    Map<String, String> dump() {
        Map<String, String> all = new TreeMap<>();
        Map<String, KvMap> maps = Map.of("states", states, "day_sessions", daySessions, "active", active,
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

    /** The identities active on a day. */
    long activeCount(LocalDate day) {
        long[] n = {0};
        String from = day.toString() + SEP;
        active.scan(from, from + END, (k, v) -> {
            n[0]++;
            return true;
        });
        return n[0];
    }

    boolean wasActive(String identityId, LocalDate day) {
        return active.containsKey(day.toString() + SEP + identityId);
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
        byte[] bytes = states.get(metricKey(session));
        return bytes == null ? List.of() : State.decode(bytes).pieces;
    }

    // ---- encoding ----

    private record State(String identityId, long earliestEventMillis, List<SessionPieces.Piece> pieces) {
        byte[] encode() {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeByte(1);
                out.writeLong(earliestEventMillis);
                out.writeInt(pieces.size());
                for (SessionPieces.Piece p : pieces) {
                    out.writeLong(p.startMillis());
                    out.writeLong(p.lastMillis());
                    out.writeInt(p.events());
                    out.writeLong(p.activeMillis());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }

        static State decode(byte[] bytes) {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
                in.readByte();
                long earliest = in.readLong();
                int n = in.readInt();
                List<SessionPieces.Piece> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    list.add(new SessionPieces.Piece(in.readLong(), in.readLong(), in.readInt(), in.readLong()));
                }
                return new State("", earliest, list);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static byte[] encodePiece(String identityId, SessionPieces.Piece p) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(identityId);
            out.writeLong(p.startMillis());
            out.writeLong(p.lastMillis());
            out.writeInt(p.events());
            out.writeLong(p.activeMillis());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static DayPiece decodePiece(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            return new DayPiece(in.readUTF(), in.readLong(), in.readLong(), in.readInt(), in.readLong());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
