package io.guildhall.runtime.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import io.guildhall.runtime.testing.ApiClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Authenticate, refresh, logout, identify, properties, flags and the transport rules of the analytics API. */
class AnalyticsSessionTest extends AnalyticsTestBase {
    @Test
    void authenticateIssuesHs256TokensWithTheSpecsClaims() throws Exception {
        String player = newIdentity();
        ApiClient.Reply reply = authenticate(player, Map.of("default", Map.of("country", "GB"),
                "custom", Map.of("tier", "gold")));
        JsonNode header = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                java.util.Base64.getUrlDecoder().decode(reply.field("token").split("\\.")[0]));
        assertEquals("HS256", header.path("alg").asText());
        JsonNode claims = claims(reply.field("token"));
        assertEquals(player, claims.path("iid").asText());
        assertEquals("game", claims.path("api").asText());
        assertTrue(claims.path("exp").isIntegralNumber());
        assertEquals(now().getEpochSecond() + 129600, claims.path("exp").asLong(), "default lifetime 36 h");
        assertEquals(now().getEpochSecond() + 604800, claims(reply.field("refresh_token")).path("exp").asLong());
        assertFalse(claims.path("sid").asText().isEmpty());
        assertEquals("GB", reply.json().path("properties").path("default").path("country").asText());
        assertEquals("gold", reply.json().path("properties").path("custom").path("tier").asText());
    }

    @Test
    void badCredentialsAndIdsAreJsonErrors() {
        ApiClient.Reply noKey = analytics.post("/v1/authenticate", null, "{\"id\":\"" + newIdentity() + "\"}");
        assertEquals(401, noKey.status());
        assertEquals(16, noKey.code());
        ApiClient.Reply wrongKey = analytics.post("/v1/authenticate", basic("11111111-1111-4111-8111-111111111111"),
                "{\"id\":\"" + newIdentity() + "\"}");
        assertEquals(401, wrongKey.status());
        ApiClient.Reply shortId = analytics.post("/v1/authenticate", basic(GAME_KEY), "{\"id\":\"short\"}");
        assertEquals(400, shortId.status());
        assertEquals(3, shortId.code());
        ApiClient.Reply malformed = analytics.post("/v1/authenticate", basic(GAME_KEY), "{\"id\":");
        assertEquals(400, malformed.status());
        assertEquals(3, malformed.code());
        ApiClient.Reply unknown = analytics.get("/v1/nothing-here", null);
        assertEquals(404, unknown.status());
        assertEquals(5, unknown.code());
        ApiClient.Reply method = analytics.send("PATCH", "/v1/event", null, "{}");
        assertEquals(501, method.status());
        assertEquals(12, method.code());
        ApiClient.Reply gameKeyHere = analytics.post("/v1/authenticate", basic("defaultkey"), "{\"id\":\"" + newIdentity() + "\"}");
        assertEquals(401, gameKeyHere.status(), "the game API's server key is not an analytics key");
    }

    @Test
    void queryStringsEndingInQuestionMarkOrAmpersandAreRoutedByPath() {
        ApiClient.Reply session = authenticate(newIdentity());
        assertEquals(200, analytics.get("/v1/properties?", bearer(session)).status());
        ApiClient.Reply flags = analytics.get("/v1/flag?names=theme&", bearer(session));
        assertEquals(200, flags.status(), flags.toString());
        assertEquals(1, flags.json().path("flags").size());
        ApiClient.Reply health = analytics.get("/healthcheck", null);
        assertEquals("{}", health.text());
        assertEquals("{}", analytics.get("/readycheck", null).text());
    }

    @Test
    void corsPreflightIsAnswered() {
        ApiClient.Reply preflight = analytics.send("OPTIONS", "/v1/event", null, null);
        assertEquals(204, preflight.status());
        assertEquals("*", preflight.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
        assertEquals("*", analytics.get("/healthcheck", null).headers().firstValue("Access-Control-Allow-Origin").orElse(""));
    }

    @Test
    void refreshContinuesTheSessionAndAlwaysReturnsARefreshToken() throws Exception {
        ApiClient.Reply session = authenticate(newIdentity());
        clock.advance(Duration.ofMinutes(10));
        ApiClient.Reply refreshed = analytics.post("/v1/authenticate/refresh", basic(GAME_KEY),
                ApiClient.json(Map.of("refresh_token", session.field("refresh_token"))));
        assertEquals(200, refreshed.status(), refreshed.toString());
        assertFalse(refreshed.field("refresh_token").isEmpty());
        JsonNode before = claims(session.field("token"));
        JsonNode after = claims(refreshed.field("token"));
        assertEquals(before.path("sid"), after.path("sid"));
        assertEquals(before.path("iid"), after.path("iid"));
        assertEquals(before.path("exp").asLong() + 600, after.path("exp").asLong());
        // satori-js 2.5.1 keeps presenting the same refresh token (its auto-refresh discards the result)
        ApiClient.Reply again = analytics.post("/v1/authenticate/refresh", basic(GAME_KEY),
                ApiClient.json(Map.of("refresh_token", session.field("refresh_token"))));
        assertEquals(200, again.status());
        assertEquals(200, analytics.get("/v1/properties", bearer(session)).status(), "the old token still works");
        ApiClient.Reply bogus = analytics.post("/v1/authenticate/refresh", basic(GAME_KEY),
                ApiClient.json(Map.of("refresh_token", session.field("token")))); // a session token is no refresh token
        assertEquals(401, bogus.status());
    }

    @Test
    void tokensExpireByTheServersClock() {
        ApiClient.Reply session = authenticate(newIdentity());
        assertEquals(200, analytics.get("/v1/properties", bearer(session)).status());
        clock.advance(Duration.ofSeconds(129600));
        assertEquals(401, analytics.get("/v1/properties", bearer(session)).status());
        ApiClient.Reply refreshed = analytics.post("/v1/authenticate/refresh", basic(GAME_KEY),
                ApiClient.json(Map.of("refresh_token", session.field("refresh_token"))));
        assertEquals(200, refreshed.status(), "the refresh token lives 7 days");
        clock.advance(Duration.ofSeconds(604800));
        assertEquals(401, analytics.post("/v1/authenticate/refresh", basic(GAME_KEY),
                ApiClient.json(Map.of("refresh_token", session.field("refresh_token")))).status());
    }

    @Test
    void logoutRevokesBothTokensOfTheSessionButNotOtherSessions() {
        String player = newIdentity();
        ApiClient.Reply phone = authenticate(player);
        ApiClient.Reply tablet = authenticate(player);
        ApiClient.Reply refreshed = analytics.post("/v1/authenticate/refresh", basic(GAME_KEY),
                ApiClient.json(Map.of("refresh_token", phone.field("refresh_token"))));
        ApiClient.Reply out = analytics.post("/v1/authenticate/logout", bearer(phone),
                ApiClient.json(Map.of("token", phone.field("token"), "refresh_token", phone.field("refresh_token"))));
        assertEquals(200, out.status(), out.toString());
        assertEquals("{}", out.text());
        assertEquals(401, analytics.get("/v1/properties", bearer(phone)).status());
        assertEquals(401, analytics.get("/v1/properties", bearer(refreshed)).status(), "the session's refreshed token too");
        assertEquals(401, analytics.post("/v1/authenticate/refresh", basic(GAME_KEY),
                ApiClient.json(Map.of("refresh_token", phone.field("refresh_token")))).status());
        assertEquals(200, analytics.get("/v1/properties", bearer(tablet)).status());

        assertEquals(200, analytics.post("/v1/authenticate/logout", bearer(tablet), "").status());
        assertEquals(401, analytics.get("/v1/properties", bearer(tablet)).status(), "an empty body ends every token");
        assertEquals(200, analytics.get("/v1/properties", bearer(authenticate(player))).status(), "a new sign-in works");
    }

    @Test
    void logoutWithSomeoneElsesTokensEndsOnlyTheCallersSession() {
        ApiClient.Reply mine = authenticate(newIdentity());
        ApiClient.Reply theirs = authenticate(newIdentity());
        ApiClient.Reply out = analytics.post("/v1/authenticate/logout", bearer(mine),
                ApiClient.json(Map.of("token", theirs.field("token"), "refresh_token", theirs.field("refresh_token"))));
        assertEquals(200, out.status(), out.toString());
        assertEquals(401, analytics.get("/v1/properties", bearer(mine)).status());
        assertEquals(200, analytics.get("/v1/properties", bearer(theirs)).status(), "another identity's session is untouched");
    }

    @Test
    void identifyMovesToANewIdentityWithANewSessionAndRetiresTheOldTokens() throws Exception {
        String anonymous = newIdentity();
        String known = newIdentity();
        ApiClient.Reply session = authenticate(anonymous);
        ApiClient.Reply identified = analytics.send("PUT", "/v1/identify", bearer(session),
                ApiClient.json(Map.of("id", known, "custom", Map.of("source", "login"))));
        assertEquals(200, identified.status(), identified.toString());
        JsonNode claims = claims(identified.field("token"));
        assertEquals(known, claims.path("iid").asText());
        assertNotEquals(claims(session.field("token")).path("sid"), claims.path("sid"));
        assertEquals(401, analytics.get("/v1/properties", bearer(session)).status());
        ApiClient.Reply properties = analytics.get("/v1/properties", bearer(identified));
        assertEquals("login", properties.json().path("custom").path("source").asText());
        assertEquals(1, sessionsOf(known).size());
    }

    @Test
    void propertiesAreReadAndMerged() {
        ApiClient.Reply session = authenticate(newIdentity(), Map.of("default", Map.of("country", "GB", "lang", "en")));
        ApiClient.Reply update = analytics.send("PUT", "/v1/properties", bearer(session),
                ApiClient.json(Map.of("default", Map.of("lang", "fr", "country", ""), "custom", Map.of("vip", "yes"))));
        assertEquals(200, update.status(), update.toString());
        assertEquals("{}", update.text());
        JsonNode properties = analytics.get("/v1/properties", bearer(session)).json();
        assertEquals("{\"lang\":\"fr\"}", properties.path("default").toString(), "an empty value removes");
        assertEquals("yes", properties.path("custom").path("vip").asText());
    }

    @Test
    void propertiesAreBoundedInCountAndSize() {
        ApiClient.Reply session = authenticate(newIdentity());
        ApiClient.Reply longValue = analytics.send("PUT", "/v1/properties", bearer(session),
                ApiClient.json(Map.of("custom", Map.of("bio", "x".repeat(70_000)))));
        assertEquals(400, longValue.status(), longValue.toString());
        assertEquals(3, longValue.code());
        Map<String, String> half = new java.util.HashMap<>();
        Map<String, String> otherHalf = new java.util.HashMap<>();
        for (int i = 0; i < 200; i++) {
            half.put("a" + i, "1");
            otherHalf.put("b" + i, "1");
        }
        assertEquals(200, analytics.send("PUT", "/v1/properties", bearer(session), ApiClient.json(Map.of("custom", half))).status());
        ApiClient.Reply tooMany = analytics.send("PUT", "/v1/properties", bearer(session), ApiClient.json(Map.of("custom", otherHalf)));
        assertEquals(400, tooMany.status(), tooMany.toString());
        assertEquals(200, analytics.get("/v1/properties", bearer(session)).json().path("custom").size(), "nothing of the refused update");
    }

    @Test
    void flagsComeFromConfigWithASessionOrTheApiKeyAndTheRestIsEmpty() {
        ApiClient.Reply session = authenticate(newIdentity());
        ApiClient.Reply all = analytics.get("/v1/flag", bearer(session));
        assertEquals("{\"flags\":[{\"name\":\"theme\",\"value\":\"dark\"},{\"name\":\"max_level\",\"value\":\"40\"}]}", all.text());
        ApiClient.Reply defaults = analytics.get("/v1/flag?names=max_level&names=missing&", basic(GAME_KEY));
        assertEquals("{\"flags\":[{\"name\":\"max_level\",\"value\":\"40\"}]}", defaults.text());
        assertEquals("{}", analytics.get("/v1/flag?names=missing", basic(GAME_KEY)).text());
        for (String path : List.of("/v1/flag/override", "/v1/experiment", "/v1/live-event", "/v1/message")) {
            ApiClient.Reply reply = analytics.get(path, bearer(session));
            assertEquals(200, reply.status(), path);
            assertEquals("{}", reply.text(), path);
        }
        assertEquals(401, analytics.get("/v1/experiment", null).status());
        assertEquals(404, analytics.post("/v1/live-event/none/participation", bearer(session), "{}").status());
    }

    @Test
    void requestLevelFaultsStoreNothing() {
        String player = newIdentity();
        ApiClient.Reply session = authenticate(player);
        assertEquals(400, analytics.post("/v1/event", bearer(session), "{\"events\":[{\"name\":\"x\"}").status());
        assertEquals(400, analytics.post("/v1/event", bearer(session), "{\"events\":{\"name\":\"x\"}}").status());
        StringBuilder tooMany = new StringBuilder("{\"events\":[");
        for (int i = 0; i < 1001; i++) {
            tooMany.append(i == 0 ? "" : ",").append("{\"name\":\"x\"}");
        }
        ApiClient.Reply over = analytics.post("/v1/event", bearer(session), tooMany.append("]}").toString());
        assertEquals(413, over.status(), over.toString());
        assertEquals(8, over.code());
        assertEquals(401, analytics.post("/v1/event", "Bearer nope", "{\"events\":[{\"name\":\"x\"}]}").status());
        assertEquals(0, eventsOf(player).size());
    }
}
