package io.guildhall.runtime.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import io.guildhall.runtime.testing.ApiClient;
import io.guildhall.runtime.testing.LegacyJwt;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every way an event finds (or does not find) its session, driven over HTTP with a clock the test moves. */
class AttributionTest extends AnalyticsTestBase {
    private static final Duration GRACE = Duration.ofSeconds(1800);

    private static String sid(ApiClient.Reply session) throws Exception {
        return claims(session.field("token")).path("sid").asText();
    }

    private static JsonNode only(JsonNode events, String name) {
        List<JsonNode> found = new ArrayList<>();
        events.forEach(e -> {
            if (e.path("name").asText().equals(name)) {
                found.add(e);
            }
        });
        assertEquals(1, found.size(), name + " in " + events);
        return found.get(0);
    }

    private static void assertAttributed(JsonNode event, String sessionId) {
        assertEquals("ATTRIBUTED", event.path("kind").asText(), event.toString());
        assertEquals(sessionId, event.path("session_id").asText(), event.toString());
    }

    private static void assertOrphaned(JsonNode event) {
        assertEquals("ORPHANED", event.path("kind").asText(), event.toString());
        assertTrue(event.path("session_id").isMissingNode(), event.toString());
    }

    private static Map<String, Object> serverEvent(String name, String identityId, Instant at) {
        Map<String, Object> event = new HashMap<>(event(name, at));
        if (identityId != null) {
            event.put("identity_id", identityId);
        }
        return event;
    }

    @Test
    void fiveOpeningsOfTwelveMinutesAreFiveSessionsAveragingTwelveMinutes() {
        String player = newIdentity();
        for (int opening = 0; opening < 5; opening++) {
            clock.advance(Duration.ofHours(3));
            ApiClient.Reply session = authenticate(player);
            for (int minute = 0; minute <= 12; minute += 4) {
                sendEvents(session, List.of(Map.of("name", "tick"))); // no timestamp: stamped on receipt
                clock.advance(Duration.ofMinutes(4));
            }
            clock.advance(Duration.ofMinutes(-4));
        }
        JsonNode sessions = sessionsOf(player);
        assertEquals(5, sessions.size(), sessions.toString());
        long total = 0;
        for (JsonNode s : sessions) {
            assertEquals("4", s.path("event_count").asText());
            total += s.path("length_sec").asLong();
        }
        assertEquals(12 * 60, total / sessions.size(), "average session length");
        assertEquals(60 * 60, total, "total play time");
    }

    @Test
    void theSamePlayKeptAliveByRefreshIsOneSessionOfSixtyMinutes() throws Exception {
        String player = newIdentity();
        clock.advance(Duration.ofHours(3));
        ApiClient.Reply session = authenticate(player);
        String sid = sid(session);
        for (int part = 0; part < 5; part++) {
            for (int minute = 0; minute < 12; minute += 4) {
                sendEvents(session, List.of(Map.of("name", "tick")));
                clock.advance(Duration.ofMinutes(4));
            }
            session = analytics.post("/v1/authenticate/refresh", basic(GAME_KEY),
                    ApiClient.json(Map.of("refresh_token", session.field("refresh_token"))));
            assertEquals(200, session.status(), session.toString());
            assertEquals(sid, sid(session), "refresh continues the session");
        }
        sendEvents(session, List.of(Map.of("name", "tick")));
        JsonNode sessions = sessionsOf(player);
        assertEquals(1, sessions.size(), sessions.toString());
        assertEquals("3600", sessions.get(0).path("length_sec").asText());
        assertEquals("16", sessions.get(0).path("event_count").asText());
    }

    @Test
    void aServerEventWithASessionIdGoesToThatSession() throws Exception {
        String player = newIdentity();
        ApiClient.Reply first = authenticate(player);
        clock.advance(Duration.ofMinutes(5));
        ApiClient.Reply second = authenticate(player);
        Map<String, Object> event = new HashMap<>();
        event.put("name", "purchase");
        event.put("identityId", player);               // camelCase spelling
        event.put("sessionId", sid(first));            // the older session, named explicitly
        event.put("sessionIssuedAt", Long.toString(START.getEpochSecond())); // int64 as a string
        event.put("timestamp", now().toString());
        assertEquals(200, sendServerEvents(basic(BACKEND_KEY), List.of(event)).status());
        assertAttributed(only(eventsOf(player), "purchase"), sid(first));
        assertFalse(sid(first).equals(sid(second)));
    }

    @Test
    void aClientEventGoesToItsTokensSession() throws Exception {
        String player = newIdentity();
        ApiClient.Reply session = authenticate(player);
        sendEvents(session, List.of(event("level_start", now())));
        assertAttributed(only(eventsOf(player), "level_start"), sid(session));
    }

    @Test
    void aSessionlessEventWithinTheGracePeriodJoinsTheLatestSessionAndJustAfterItIsOrphaned() throws Exception {
        String player = newIdentity();
        ApiClient.Reply session = authenticate(player);
        Instant start = now();
        sendEvents(session, List.of(event("play", start.plusSeconds(60))));
        Instant lastActivity = start.plusSeconds(60);
        clock.advance(Duration.ofHours(1));

        sendServerEvents(basic(BACKEND_KEY), List.of(
                serverEvent("too_late", player, lastActivity.plus(GRACE).plusSeconds(1)),
                serverEvent("just_in_time", player, lastActivity.plus(GRACE))));
        JsonNode events = eventsOf(player);
        assertOrphaned(only(events, "too_late"));
        assertAttributed(only(events, "just_in_time"), sid(session));
        JsonNode sessions = sessionsOf(player);
        assertEquals(lastActivity.plus(GRACE).toString(), sessions.get(0).path("last_activity_time").asText(),
                "an attributed event extends its session");
    }

    @Test
    void aWholeSecondTimestampBelongsToTheSessionOpenedWithinThatSecond() throws Exception {
        clock.set(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).plusMillis(750));
        String player = newIdentity();
        ApiClient.Reply session = authenticate(player);
        Instant sameSecond = now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Instant secondBefore = sameSecond.minusSeconds(1);
        // as Nakama's client sends them: RFC 3339 in whole seconds
        sendServerEvents(basic(BACKEND_KEY), List.of(serverEvent("match_ended", player, sameSecond),
                serverEvent("before_it", player, secondBefore)));
        JsonNode events = eventsOf(player);
        assertAttributed(only(events, "match_ended"), sid(session));
        assertOrphaned(only(events, "before_it"));
    }

    @Test
    void anEventWithoutIdentityIsANonPlayerEvent() {
        String name = "enemy_spawned_" + newIdentity();
        sendServerEvents(basic(BACKEND_KEY), List.of(Map.of("name", name, "timestamp", now().toString(),
                "value", "5", "metadata", Map.of("matchId", "0078EC13"))));
        ApiClient.Reply reply = console.get("/v1/console/events/non-player?limit=1000", ApiClient.bearer(consoleToken()));
        JsonNode event = only(reply.json().path("events"), name);
        assertEquals("NON_PLAYER", event.path("kind").asText());
        assertTrue(event.path("identity_id").isMissingNode());
    }

    @Test
    void noSessionOpensNoSessionAndItsEventsAreSessionless() throws Exception {
        String player = newIdentity();
        ApiClient.Reply quiet = authenticate(player, Map.of("no_session", true));
        assertFalse(claims(quiet.field("token")).has("sid"));
        sendEvents(quiet, List.of(event("background_job", now())));
        assertEquals(0, sessionsOf(player).size());
        assertOrphaned(only(eventsOf(player), "background_job"));

        ApiClient.Reply real = authenticate(player);
        clock.advance(Duration.ofMinutes(1));
        sendEvents(quiet, List.of(event("after_login", now())));
        assertEquals(1, sessionsOf(player).size());
        assertAttributed(only(eventsOf(player), "after_login"), sid(real));
    }

    @Test
    void aTokenMintedLikeNakamaWithoutSidIsAcceptedAndSessionless() throws Exception {
        String player = newIdentity();
        ApiClient.Reply session = authenticate(player);
        long now = now().getEpochSecond();
        String nakamaToken = LegacyJwt.sign(SESSION_KEY, "{\"iid\":\"" + player + "\",\"exp\":"
                + (now + 3600) + ",\"iat\":" + now + ",\"api\":\"game\"}");
        ApiClient.Reply reply = analytics.post("/v1/event", ApiClient.bearer(nakamaToken),
                ApiClient.json(Map.of("events", List.of(event("from_nakama", now())))));
        assertEquals(200, reply.status(), reply.toString());
        assertAttributed(only(eventsOf(player), "from_nakama"), sid(session));
        assertEquals(200, analytics.get("/v1/properties", ApiClient.bearer(nakamaToken)).status());
    }

    @Test
    void aLateEventIsAttributedByItsOwnTime() throws Exception {
        String player = newIdentity();
        ApiClient.Reply morning = authenticate(player);
        Instant morningStart = now();
        clock.advance(Duration.ofHours(2));
        ApiClient.Reply noon = authenticate(player);
        sendEvents(noon, List.of(event("newer", now().plusSeconds(60))));
        clock.advance(Duration.ofMinutes(5));
        sendServerEvents(basic(BACKEND_KEY), List.of(serverEvent("older", player, morningStart.plusSeconds(600))));
        JsonNode events = eventsOf(player);
        assertAttributed(only(events, "older"), sid(morning));
        assertAttributed(only(events, "newer"), sid(noon));
        assertEquals("older", events.get(0).path("name").asText(), "history is in event time order");
    }

    @Test
    void aRetriedBatchIsCountedOnce() {
        String player = newIdentity();
        ApiClient.Reply session = authenticate(player);
        List<Map<String, Object>> batch = List.of(
                Map.of("name", "a", "id", "evt-1"), Map.of("name", "b", "id", "evt-2"), Map.of("name", "c"));
        sendEvents(session, batch);
        sendEvents(session, batch); // the client timed out and sent it again
        JsonNode events = eventsOf(player);
        assertEquals(4, events.size(), "a and b once, c (no id) twice: " + events);
        assertEquals("4", sessionsOf(player).get(0).path("event_count").asText());
    }

    @Test
    void aMixedBatchKeepsTheGoodEventsAndShowsTheBadOnesWithReasons() {
        String player = newIdentity();
        List<Map<String, Object>> batch = new ArrayList<>();
        batch.add(serverEvent("good_one", player, now()));
        batch.add(serverEvent("", player, now()));
        batch.add(Map.of("name", "bad_identity", "identity_id", "no", "timestamp", now().toString()));
        batch.add(Map.of("name", "bad_time", "identity_id", player, "timestamp", "yesterday"));
        Map<String, Object> big = new HashMap<>();
        for (int i = 0; i < 65; i++) {
            big.put("k" + i, "v");
        }
        batch.add(Map.of("name", "too_much_metadata", "identity_id", player, "metadata", big));
        batch.add(Map.of("name", "coerced", "identity_id", player, "value", 5, "metadata", Map.of("vip", true, "lvl", 3)));
        batch.add(serverEvent("from_the_future", player, now().plusSeconds(3600)));
        ApiClient.Reply reply = sendServerEvents(basic(BACKEND_KEY), batch);
        assertEquals(200, reply.status(), reply.toString());
        assertEquals("{}", reply.text());

        JsonNode events = eventsOf(player);
        assertEquals(3, events.size(), events.toString());
        only(events, "good_one");
        JsonNode coerced = only(events, "coerced");
        assertEquals("5", coerced.path("value").asText());
        assertEquals("true", coerced.path("metadata").path("vip").textValue());
        assertEquals("3", coerced.path("metadata").path("lvl").textValue());
        JsonNode future = only(events, "from_the_future");
        assertEquals(now().toString(), future.path("timestamp").asText(), "stored at the receive time");
        assertTrue(future.path("clock_skewed").asBoolean());

        ApiClient.Reply rejected = console.get("/v1/console/events/rejected?identity_id=" + player,
                ApiClient.bearer(consoleToken()));
        List<String> reasons = new ArrayList<>();
        rejected.json().path("events").forEach(r -> reasons.add(r.path("reason").asText()));
        assertEquals(List.of("INVALID_METADATA", "INVALID_TIMESTAMP", "INVALID_NAME"), reasons, rejected.toString());
        ApiClient.Reply all = console.get("/v1/console/events/rejected", ApiClient.bearer(consoleToken()));
        assertTrue(all.text().contains("INVALID_IDENTITY"), all.toString());
    }
}
