package io.guildhall.runtime.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guildhall.runtime.analytics.AnalyticsStore;
import io.guildhall.runtime.analytics.EventRecord;
import io.guildhall.runtime.analytics.Metrics;
import io.guildhall.runtime.analytics.SessionRecord;
import io.guildhall.runtime.http.Call;
import io.guildhall.spi.ApiException;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/** The console's metrics endpoints: days, retention, one identity's play, and the full rebuild. Times in ms. */
final class ConsoleMetricsApi {
    /** Days one request may cover. */
    static final int MAX_DAYS = 366;
    /** Events the identity view reads. */
    private static final int MAX_IDENTITY_EVENTS = 10_000;

    private final AnalyticsStore store;
    private final Metrics metrics;
    private final java.time.Clock clock;

    ConsoleMetricsApi(AnalyticsStore store, java.time.Clock clock) {
        this.store = store;
        this.metrics = store.metrics();
        this.clock = clock;
    }

    /** GET /v1/console/metrics/days?from=YYYY-MM-DD&to=YYYY-MM-DD (inclusive; default: the last 30 days). */
    CompletableFuture<?> days(Call call) {
        ArrayNode days = JsonNodeFactory.instance.arrayNode();
        for (LocalDate day : range(call)) {
            Metrics.Day d = metrics.day(day);
            ObjectNode node = days.addObject();
            node.put("day", day.toString());
            node.put("sessions", d.sessions());
            node.put("start_only_sessions", d.startOnlySessions());
            node.put("average_length_ms", d.averageLengthMillis());
            node.put("median_length_ms", d.medianLengthMillis());
            node.put("p90_length_ms", d.p90LengthMillis());
            node.put("playtime_ms", d.playtimeMillis());
            node.put("active_playtime_ms", d.activePlaytimeMillis());
            node.put("daily_active", d.dailyActive());
            node.put("identities_with_sessions", d.identitiesWithSessions());
            node.put("playtime_per_daily_active_ms", Math.round(d.playtimePerDailyActiveMillis()));
            node.put("active_playtime_per_daily_active_ms", Math.round(d.activePlaytimePerDailyActiveMillis()));
            node.put("sessions_per_identity", d.sessionsPerIdentity());
            ObjectNode events = node.putObject("events");
            d.events().forEach((name, kinds) -> {
                ObjectNode byKind = events.putObject(name);
                kinds.forEach(byKind::put);
            });
        }
        return store.durable().thenApply(v -> {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.put("time_zone", metrics.zone().getId());
            body.set("days", days);
            return body;
        });
    }

    /** GET /v1/console/metrics/retention?from&to: per first-seen day, the cohort and how many came back on D1–D7, D14, D30. */
    CompletableFuture<?> retention(Call call) {
        ArrayNode cohorts = JsonNodeFactory.instance.arrayNode();
        for (LocalDate day : range(call)) {
            Metrics.Retention r = metrics.retention(day);
            ObjectNode node = cohorts.addObject();
            node.put("day", day.toString());
            node.put("cohort", r.cohort());
            ObjectNode retained = node.putObject("retained");
            r.retained().forEach((n, count) -> retained.put("d" + n, count));
        }
        return store.durable().thenApply(v -> {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.set("cohorts", cohorts);
            return body;
        });
    }

    /**
     * GET /v1/console/identity/{id}/metrics: its sessions (metric sessions) with their events,
     * playtime lifetime and per day, and its events that attach to no session with the reason.
     */
    CompletableFuture<?> identity(Call call) {
        String identityId = ConsoleApi.identityId(call);
        List<SessionRecord> sessions = store.sessions(identityId);
        List<EventRecord> events = store.events(identityId, MAX_IDENTITY_EVENTS);
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("identity_id", identityId);
        ArrayNode list = body.putArray("sessions");
        long playtime = 0;
        long active = 0;
        long count = 0;
        Map<String, long[]> perDay = new TreeMap<>();
        for (SessionRecord s : sessions) {
            for (Metrics.IdentitySession piece : metrics.sessionsOf(s)) {
                ObjectNode node = list.addObject();
                node.put("session_id", piece.sessionId());
                node.put("start_time", Instant.ofEpochMilli(piece.startMillis()).toString());
                node.put("last_time", Instant.ofEpochMilli(piece.lastMillis()).toString());
                node.put("length_ms", piece.lengthMillis());
                node.put("active_ms", piece.activeMillis());
                node.put("event_count", piece.events());
                ArrayNode pieceEvents = node.putArray("events");
                for (EventRecord e : events) {
                    long t = Math.max(e.timestampMillis(), s.startMillis());
                    if (e.sessionId().equals(s.sessionId()) && t >= piece.startMillis() && t <= piece.lastMillis()
                            && (piece.events() > 0)) {
                        pieceEvents.add(event(e));
                    }
                }
                playtime += piece.lengthMillis();
                active += piece.activeMillis();
                count++;
                long[] day = perDay.computeIfAbsent(metrics.day(piece.startMillis()).toString(), k -> new long[3]);
                day[0]++;
                day[1] += piece.lengthMillis();
                day[2] += piece.activeMillis();
            }
        }
        body.put("session_count", count);
        body.put("playtime_ms", playtime);
        body.put("active_playtime_ms", active);
        ArrayNode days = body.putArray("days");
        perDay.forEach((day, n) -> days.addObject().put("day", day).put("sessions", n[0])
                .put("playtime_ms", n[1]).put("active_playtime_ms", n[2]));
        ArrayNode unattached = body.putArray("unattached_events");
        for (EventRecord e : events) {
            if (e.kind() != EventRecord.Kind.ATTRIBUTED) {
                unattached.add(event(e));
            }
        }
        return store.durable().thenApply(v -> body);
    }

    /** POST /v1/console/metrics/rebuild: re-derives every metric from the stored sessions and events. */
    CompletableFuture<?> rebuild(Call call) {
        return metrics.rebuild().thenApply(r -> JsonNodeFactory.instance.objectNode()
                .put("sessions", r.sessions()).put("events", r.events()).put("duration_ms", r.millis()));
    }

    private static ObjectNode event(EventRecord e) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("id", e.clientId());
        node.put("name", e.name());
        node.put("value", e.value());
        node.put("timestamp", Instant.ofEpochMilli(e.timestampMillis()).toString());
        node.put("kind", e.via().metricKind());
        if (!e.via().reason().isEmpty()) {
            node.put("reason", e.via().reason());
        }
        return node;
    }

    private List<LocalDate> range(Call call) {
        LocalDate today = metrics.day(clock.millis());
        LocalDate to = date(call, "to", today);
        LocalDate from = date(call, "from", to.minusDays(29));
        long span = ChronoUnit.DAYS.between(from, to) + 1;
        if (span < 1 || span > MAX_DAYS) {
            throw ApiException.invalid("from must not be after to, and a request covers at most " + MAX_DAYS + " days.");
        }
        List<LocalDate> days = new ArrayList<>();
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            days.add(d);
        }
        return days;
    }

    private static LocalDate date(Call call, String name, LocalDate fallback) {
        String text = call.query(name).orElse("");
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw ApiException.invalid(name + " must be a date like 2026-03-02.");
        }
    }
}
