package io.guildhall.runtime.analytics;

import io.guildhall.runtime.store.Store;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Reads the session metrics (README "Session metrics" defines every number) and runs the full
 * rebuild. Reads are range reads of the metric maps: a day's numbers never scan its events.
 */
public final class Metrics {
    /** The days retention is reported for, after the first-seen day. */
    public static final List<Integer> RETENTION_DAYS = List.of(1, 2, 3, 4, 5, 6, 7, 14, 30);

    private final Store store;
    private final SessionMetrics metrics;

    Metrics(Store store, SessionMetrics metrics) {
        this.store = store;
        this.metrics = metrics;
    }

    /** One day's numbers; lengths in milliseconds. Sessions are counted on the day they start. */
    public record Day(LocalDate day, long sessions, long startOnlySessions, long averageLengthMillis,
                      long medianLengthMillis, long p90LengthMillis, long playtimeMillis, long activePlaytimeMillis,
                      long dailyActive, long identitiesWithSessions, double playtimePerDailyActiveMillis,
                      double activePlaytimePerDailyActiveMillis, double sessionsPerIdentity,
                      Map<String, Map<String, Long>> events) {
    }

    /** Of the identities first seen on {@code day}, how many were active n days later (n of {@link #RETENTION_DAYS}). */
    public record Retention(LocalDate day, long cohort, Map<Integer, Long> retained) {
    }

    /** What a rebuild did. */
    public record Rebuilt(long sessions, long events, long millis) {
    }

    /** One metric session of an identity. */
    public record IdentitySession(String sessionId, long startMillis, long lastMillis, int events, long activeMillis) {
        public long lengthMillis() {
            return lastMillis - startMillis;
        }
    }

    public java.time.ZoneId zone() {
        return metrics.zone();
    }

    /** The day (in the metrics' time zone) a time falls on. */
    public LocalDate day(long millis) {
        return metrics.day(millis);
    }

    public Day day(LocalDate day) {
        List<SessionMetrics.DayPiece> pieces = metrics.sessionsOn(day);
        long[] lengths = new long[pieces.size()];
        long playtime = 0;
        long activePlaytime = 0;
        long startOnly = 0;
        Set<String> identities = new HashSet<>();
        for (int i = 0; i < lengths.length; i++) {
            SessionMetrics.DayPiece p = pieces.get(i);
            lengths[i] = p.lengthMillis();
            playtime += p.lengthMillis();
            activePlaytime += p.activeMillis();
            startOnly += p.events() == 0 ? 1 : 0;
            identities.add(p.identityId());
        }
        Arrays.sort(lengths);
        long n = lengths.length;
        long dau = metrics.activeOn(day, pieces).size();
        return new Day(day, n, startOnly, n == 0 ? 0 : playtime / n, nearestRank(lengths, 50), nearestRank(lengths, 90),
                playtime, activePlaytime, dau, identities.size(),
                dau == 0 ? 0 : (double) playtime / dau, dau == 0 ? 0 : (double) activePlaytime / dau,
                identities.isEmpty() ? 0 : (double) n / identities.size(), metrics.eventCounts(day));
    }

    /** The smallest length that at least {@code percent}% of the sessions do not exceed (0 for no sessions). */
    static long nearestRank(long[] sorted, int percent) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    public Retention retention(LocalDate day) {
        List<String> cohort = metrics.cohort(day);
        Map<Integer, Long> retained = new LinkedHashMap<>();
        for (int n : RETENTION_DAYS) {
            LocalDate later = day.plusDays(n);
            Set<String> active = cohort.isEmpty() ? Set.of() : metrics.activeOn(later);
            retained.put(n, cohort.stream().filter(active::contains).count());
        }
        return new Retention(day, cohort.size(), retained);
    }

    /** The metric sessions of one stored session (more than one when the inactivity split is on). */
    public List<IdentitySession> sessionsOf(SessionRecord session) {
        return metrics.piecesOf(session).stream()
                .map(p -> new IdentitySession(session.sessionId(), p.startMillis(), p.lastMillis(), p.events(), p.activeMillis()))
                .toList();
    }

    /**
     * Metric sessions whose last activity is within {@code withinMillis} of now: sessions that can
     * still take events. Those that started within the window's days are read from the day entries;
     * one that started earlier and is still going had an attributed event on a later day than its
     * start, so its identity is marked active on a day of the window, and only those identities'
     * older sessions are read.
     */
    public long sessionsOpen(long nowMillis, long withinMillis) {
        long since = nowMillis - withinMillis;
        LocalDate first = metrics.day(since);
        LocalDate last = metrics.day(nowMillis);
        long firstDayStart = first.atStartOfDay(metrics.zone()).toInstant().toEpochMilli();
        long open = 0;
        Set<String> marked = new HashSet<>();
        for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
            for (SessionMetrics.DayPiece piece : metrics.sessionsOn(day)) {
                open += piece.lastMillis() >= since ? 1 : 0;
            }
            marked.addAll(metrics.markedOn(day));
        }
        for (String identityId : marked) {
            for (SessionRecord session : metrics.sessionsStartedBefore(identityId, firstDayStart)) {
                List<SessionPieces.Piece> pieces = metrics.piecesOf(session);
                SessionPieces.Piece latest = pieces.isEmpty() ? null : pieces.get(pieces.size() - 1);
                // a latest piece that starts within the window's days was counted from the day entries
                if (latest != null && latest.startMillis() < firstDayStart && latest.lastMillis() >= since) {
                    open++;
                }
            }
        }
        return open;
    }

    /**
     * Clears and re-derives every metric from the stored sessions and events (ingestion waits while
     * they are derived). Runs on the calling thread and returns a completed future once durable.
     */
    public CompletableFuture<Rebuilt> rebuild() {
        try {
            return CompletableFuture.completedFuture(metrics.rebuild());
        } catch (java.util.concurrent.CompletionException e) {
            return CompletableFuture.failedFuture(e.getCause());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Rebuilds when the numbers were derived with other settings (or not at all); true if it did. */
    public boolean rebuildIfStale() {
        if (!metrics.stale()) {
            if (metrics.settingsUnrecorded()) {
                store.write(() -> {
                    metrics.recordSettings();
                    return null;
                }).join();
            }
            return false;
        }
        rebuild().join();
        return true;
    }
}
