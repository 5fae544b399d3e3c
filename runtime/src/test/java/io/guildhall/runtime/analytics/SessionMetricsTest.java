package io.guildhall.runtime.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import io.guildhall.runtime.testing.ApiClient;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The session metrics on a fixed data set, over HTTP, with every number worked out by hand below.
 * The clock is set to each event's time before it is sent, as a live game would send it.
 *
 * <pre>
 * Day 1 = 2026-03-10, day 2 = 2026-03-11 (UTC), idle cap 300 s.
 * A1: A signs in 23:50; ticks 23:52, 23:58, 00:05 (day 2), 00:20 (day 2)   across midnight
 *     length 30 min = 1,800,000 ms; active = 120 + min(360,300) + min(420,300) + min(900,300) s = 1,020,000 ms
 * A2: A signs in again 00:21 (day 2, a relog a minute later: its own session); ticks 00:22, 00:25
 *     length 4 min = 240,000 ms; active 60 + 180 s = 240,000 ms
 * B1: B signs in 12:00; ticks 12:01, 12:09                                  idle gap of 8 min over the cap
 *     length 540,000 ms; active 60 + min(480,300) s = 360,000 ms
 * B2: B signs in 18:00, nothing else                                        start-only session, length 0
 * C:  server event "purchase" 20:00, C never signed in                      sessionless (no session in grace)
 * --: server event "enemySpawned" 20:00 without identity                    non-player
 * B:  server event "gift" 21:00 naming A1's session                         orphaned (another identity's session)
 *
 * Day 1: sessions A1, B1, B2 = 3 (1 start-only); lengths 0, 540,000, 1,800,000:
 *        average 2,340,000 / 3 = 780,000; median (nearest rank 2 of 3) 540,000; p90 (rank 3) 1,800,000;
 *        playtime 2,340,000; active 1,020,000 + 360,000 = 1,380,000; DAU {A, B} = 2 (C's sessionless
 *        event makes no one active); per DAU 1,170,000 and 690,000; 1.5 sessions per identity;
 *        events: tick session 4, purchase sessionless 1, enemySpawned non_player 1, gift orphaned 1.
 * Day 2: A2 only: 1 session, 240,000 everywhere; DAU {A} = 1; tick session 2 (A1) + 2 (A2) = 4.
 * Retention of day 1's cohort {A, B}: D1 = 1 (A), the others 0.
 * Then, on day 2, a late tick of B1 at 12:05 on day 1 (after day 1 was read):
 *        B1 active 60 + 240 + 240 s = 540,000; day 1 active 1,560,000, per DAU 780,000; tick session 5;
 *        lengths unchanged.
 * </pre>
 */
class SessionMetricsTest extends AnalyticsTestBase {
    private static final String DAY1 = "2026-03-10";
    private static final String DAY2 = "2026-03-11";

    private static Instant at(String day, String time) {
        return Instant.parse(day + "T" + time + ":00Z");
    }

    private static ApiClient.Reply signIn(String identity, Instant when) {
        clock.set(when);
        return authenticate(identity);
    }

    private static void tick(ApiClient.Reply session, Instant when) {
        clock.set(when);
        sendEvents(session, List.of(event("tick", when)));
    }

    private static void serverEvent(String name, String identity, String sessionId, Instant when) {
        clock.set(when);
        Map<String, Object> e = new HashMap<>(event(name, when));
        if (identity != null) {
            e.put("identity_id", identity);
        }
        if (sessionId != null) {
            e.put("session_id", sessionId);
        }
        assertEquals(200, sendServerEvents(basic(BACKEND_KEY), List.of(e)).status());
    }

    private static JsonNode days(String token) {
        ApiClient.Reply reply = console.get("/v1/console/metrics/days?from=" + DAY1 + "&to=" + DAY2, ApiClient.bearer(token));
        assertEquals(200, reply.status(), reply.toString());
        return reply.json().path("days");
    }

    private static void assertDay(JsonNode day, long sessions, long startOnly, long avg, long median, long p90,
                                  long playtime, long active, long dau, long perDau, long activePerDau) {
        String at = day.toString();
        assertEquals(sessions, day.path("sessions").asLong(), "sessions " + at);
        assertEquals(startOnly, day.path("start_only_sessions").asLong(), "start-only " + at);
        assertEquals(avg, day.path("average_length_ms").asLong(), "average " + at);
        assertEquals(median, day.path("median_length_ms").asLong(), "median " + at);
        assertEquals(p90, day.path("p90_length_ms").asLong(), "p90 " + at);
        assertEquals(playtime, day.path("playtime_ms").asLong(), "playtime " + at);
        assertEquals(active, day.path("active_playtime_ms").asLong(), "active playtime " + at);
        assertEquals(dau, day.path("daily_active").asLong(), "DAU " + at);
        assertEquals(perDau, day.path("playtime_per_daily_active_ms").asLong(), "playtime per DAU " + at);
        assertEquals(activePerDau, day.path("active_playtime_per_daily_active_ms").asLong(), "active per DAU " + at);
    }

    @Test
    void aFixedDataSetCountsAsWorkedOutByHand() throws Exception {
        String a = "player-a-" + System.nanoTime();
        String b = "player-b-" + System.nanoTime();
        String c = "player-c-" + System.nanoTime();
        ApiClient.Reply b1 = signIn(b, at(DAY1, "12:00"));
        tick(b1, at(DAY1, "12:01"));
        tick(b1, at(DAY1, "12:09"));
        signIn(b, at(DAY1, "18:00"));
        serverEvent("purchase", c, null, at(DAY1, "20:00"));
        serverEvent("enemySpawned", null, null, at(DAY1, "20:00"));
        ApiClient.Reply a1 = signIn(a, at(DAY1, "23:50"));
        String a1Sid = claims(a1.field("token")).path("sid").asText();
        clock.set(at(DAY1, "21:00"));
        serverEvent("gift", b, a1Sid, at(DAY1, "21:00"));
        tick(a1, at(DAY1, "23:52"));
        tick(a1, at(DAY1, "23:58"));
        tick(a1, at(DAY2, "00:05"));
        tick(a1, at(DAY2, "00:20"));
        ApiClient.Reply a2 = signIn(a, at(DAY2, "00:21"));
        tick(a2, at(DAY2, "00:22"));
        tick(a2, at(DAY2, "00:25"));

        String token = consoleToken();
        JsonNode days = days(token);
        assertEquals(DAY1, days.get(0).path("day").asText());
        assertDay(days.get(0), 3, 1, 780_000, 540_000, 1_800_000, 2_340_000, 1_380_000, 2, 1_170_000, 690_000);
        assertEquals(1.5, days.get(0).path("sessions_per_identity").asDouble());
        JsonNode events = days.get(0).path("events");
        assertEquals(4, events.path("tick").path("session").asLong(), events.toString());
        assertEquals(1, events.path("purchase").path("sessionless").asLong(), events.toString());
        assertEquals(1, events.path("enemySpawned").path("non_player").asLong(), events.toString());
        assertEquals(1, events.path("gift").path("orphaned").asLong(), events.toString());
        assertEquals(4, events.size(), events.toString());
        assertDay(days.get(1), 1, 0, 240_000, 240_000, 240_000, 240_000, 240_000, 1, 240_000, 240_000);
        assertEquals(4, days.get(1).path("events").path("tick").path("session").asLong());

        ApiClient.Reply retention = console.get("/v1/console/metrics/retention?from=" + DAY1 + "&to=" + DAY1, ApiClient.bearer(token));
        assertEquals(200, retention.status(), retention.toString());
        JsonNode cohort = retention.json().path("cohorts").get(0);
        assertEquals(2, cohort.path("cohort").asLong(), cohort.toString());
        assertEquals(1, cohort.path("retained").path("d1").asLong(), cohort.toString());
        for (String later : List.of("d2", "d3", "d4", "d5", "d6", "d7", "d14", "d30")) {
            assertEquals(0, cohort.path("retained").path(later).asLong(), later + " " + cohort);
        }

        // A late event, after day 1's numbers were read: B1's tick at 12:05 arrives on day 2.
        clock.set(at(DAY2, "00:30"));
        sendEvents(b1, List.of(event("tick", at(DAY1, "12:05"))));
        days = days(token);
        assertDay(days.get(0), 3, 1, 780_000, 540_000, 1_800_000, 2_340_000, 1_560_000, 2, 1_170_000, 780_000);
        assertEquals(5, days.get(0).path("events").path("tick").path("session").asLong());
        assertDay(days.get(1), 1, 0, 240_000, 240_000, 240_000, 240_000, 240_000, 1, 240_000, 240_000);

        // The identity view: A1 with its four events, and why C's and B's events attach to no session.
        ApiClient.Reply identity = console.get("/v1/console/identity/" + a + "/metrics", ApiClient.bearer(token));
        assertEquals(200, identity.status(), identity.toString());
        assertEquals(2, identity.json().path("session_count").asLong());
        assertEquals(2_040_000, identity.json().path("playtime_ms").asLong());
        assertEquals(1_260_000, identity.json().path("active_playtime_ms").asLong());
        assertEquals(4, identity.json().path("sessions").get(0).path("events").size());
        JsonNode gift = console.get("/v1/console/identity/" + b + "/metrics", ApiClient.bearer(token)).json()
                .path("unattached_events").get(0);
        assertEquals("orphaned", gift.path("kind").asText());
        assertEquals("the session it named belongs to another identity", gift.path("reason").asText());
        JsonNode purchase = console.get("/v1/console/identity/" + c + "/metrics", ApiClient.bearer(token)).json()
                .path("unattached_events").get(0);
        assertEquals("no session of the identity within the grace period", purchase.path("reason").asText());

        // The full rebuild gives the same numbers.
        ApiClient.Reply rebuilt = console.post("/v1/console/metrics/rebuild", ApiClient.bearer(token), "{}");
        assertEquals(200, rebuilt.status(), rebuilt.toString());
        assertEquals(4, rebuilt.json().path("sessions").asLong(), rebuilt.toString());
        assertEquals(12, rebuilt.json().path("events").asLong(), rebuilt.toString());
        assertEquals(days, days(token));
    }

    @Test
    void badRangesAndMissingTokensAreRefused() {
        String token = consoleToken();
        assertEquals(400, console.get("/v1/console/metrics/days?from=2026-13-01", ApiClient.bearer(token)).status());
        assertEquals(400, console.get("/v1/console/metrics/days?from=2020-01-01&to=2026-01-01", ApiClient.bearer(token)).status());
        assertEquals(400, console.get("/v1/console/metrics/days?from=2026-03-02&to=2026-03-01", ApiClient.bearer(token)).status());
        assertEquals(3, console.get("/v1/console/metrics/days?from=x", ApiClient.bearer(token)).code());
        assertEquals(401, console.get("/v1/console/metrics/days", null).status());
        assertEquals(401, console.post("/v1/console/metrics/rebuild", ApiClient.bearer("nope"), "{}").status());
    }
}
