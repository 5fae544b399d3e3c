package io.guildhall.runtime.social;

import com.fasterxml.jackson.databind.JsonNode;
import io.guildhall.runtime.testing.ApiClient;
import io.guildhall.runtime.testing.SettableClock;
import io.guildhall.runtime.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static io.guildhall.runtime.social.FacebookInstantGameTokens.payload;
import static io.guildhall.runtime.social.FacebookInstantGameTokens.sign;
import static io.guildhall.runtime.social.FacebookInstantGameTokens.signedPlayerInfo;
import static io.guildhall.runtime.social.FacebookSignInTest.assertError;
import static io.guildhall.runtime.social.FacebookSignInTest.uid;
import static io.guildhall.runtime.social.FacebookSignInTest.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The facebookinstantgame provider in the real server: real HMAC signatures, time from a settable clock. */
class FacebookInstantGameSignInTest {
    static final String REFUSED = "Could not authenticate Facebook Instant Game profile.";
    static final String REQUIRED = "Signed Player Info for a Facebook Instant Game is required.";
    /** nakama-js's client-link fixture, produced by node exactly as that test does (issued in 2020). */
    static final String NAKAMA_JS_FIXTURE = "THoc2IVuxq0gmRVLeI24AMpmdGKoJbKvjo_vDXVgXtk."
            + "eyJhbGdvcml0aG0iOiJITUFDLVNIQTI1NiIsImlzc3VlZF9hdCI6MTU5NDg2NzYyOCwicGxheWVyX2lkIjoiYS1mYi1pZCIsInJlcXVlc3RfcGF5bG9hZCI6IiJ9";

    @TempDir
    static Path dataDir;
    static final SettableClock clock = new SettableClock(Instant.parse("2026-03-01T10:00:00Z"));
    static TestServer server;
    static ApiClient api;

    @BeforeAll
    static void start() {
        server = TestServer.start(dataDir, clock, FacebookInstantGameTokens.flags());
        api = server.client();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static ApiClient.Reply signIn(ApiClient client, String signedPlayerInfo, String query) {
        return client.authenticate("facebookinstantgame", query, ApiClient.json(Map.of("signed_player_info", signedPlayerInfo)));
    }

    static ApiClient.Reply signIn(String signedPlayerInfo) {
        return signIn(api, signedPlayerInfo, null);
    }

    static String playerId() {
        return unique("fbig");
    }

    long now() {
        return clock.instant().getEpochSecond();
    }

    static JsonNode account(ApiClient.Reply session) {
        ApiClient.Reply account = api.get("/v2/account", ApiClient.bearer(session.field("token")));
        assertEquals(200, account.status(), account.toString());
        return account.json();
    }

    static void assertRefused(ApiClient.Reply reply) {
        assertError(reply, 401, 16, REFUSED);
    }

    @Test
    void signInCreatesThenFindsTheAccount() throws Exception {
        String player = playerId();
        assertError(signIn(api, signedPlayerInfo(player, now()), "create=false"), 404, 5, "User account not found.");
        ApiClient.Reply first = signIn(signedPlayerInfo(player, now()));
        assertEquals(200, first.status(), first.toString());
        assertTrue(first.json().path("created").asBoolean());
        ApiClient.Reply second = signIn(api, signedPlayerInfo(player, now()), "create=false");
        assertEquals(200, second.status(), second.toString());
        assertFalse(second.json().has("created"));
        assertEquals(uid(first), uid(second));
        assertEquals(player, account(second).path("user").path("facebook_instant_game_id").asText());
    }

    @Test
    void theNakamaJsFixtureSignsIn() {
        ApiClient.Reply reply = signIn(NAKAMA_JS_FIXTURE);
        assertEquals(200, reply.status(), reply.toString());
        assertEquals("a-fb-id", account(reply).path("user").path("facebook_instant_game_id").asText());
    }

    @Test
    void linkThenConflictThenUnlink() {
        String player = playerId();
        ApiClient.Reply owner = api.authenticate("custom", null, ApiClient.json(Map.of("id", unique("custom-"))));
        String bearer = ApiClient.bearer(owner.field("token"));
        String body = ApiClient.json(Map.of("signed_player_info", signedPlayerInfo(player, now())));
        assertEquals(200, api.post("/v2/account/link/facebookinstantgame", bearer, body).status());
        assertEquals(player, account(owner).path("user").path("facebook_instant_game_id").asText());

        ApiClient.Reply other = api.authenticate("custom", null, ApiClient.json(Map.of("id", unique("custom-"))));
        assertError(api.post("/v2/account/link/facebookinstantgame", ApiClient.bearer(other.field("token")), body),
                409, 6, "Facebook Instant Game ID is already in use.");

        assertRefused(api.post("/v2/account/unlink/facebookinstantgame", bearer,
                ApiClient.json(Map.of("signed_player_info", sign("wrong-secret", payload("HMAC-SHA256", player, now()))))));
        assertEquals(200, api.post("/v2/account/unlink/facebookinstantgame", bearer, body).status());
        assertFalse(account(owner).path("user").has("facebook_instant_game_id"));
        assertError(api.post("/v2/account/unlink/facebookinstantgame", bearer, "{}"), 403, 7,
                "Cannot unlink last account identifier. Check profile exists and is not last link.");
    }

    @Test
    void requiredFieldAnswersInvalidArgument() {
        assertError(api.authenticate("facebookinstantgame", null, "{}"), 400, 3, REQUIRED);
        ApiClient.Reply owner = api.authenticate("custom", null, ApiClient.json(Map.of("id", unique("custom-"))));
        assertError(api.post("/v2/account/link/facebookinstantgame", ApiClient.bearer(owner.field("token")), "{}"), 400, 3, REQUIRED);
    }

    /** 401 code 16 on authenticate as on link, where Nakama's authenticate answers 500 code 15. */
    @Test
    void badValuesAre401OnAuthenticateAndLinkNever500() {
        String player = playerId();
        String genuine = signedPlayerInfo(player, now());
        String tamperedPayload = genuine.substring(0, genuine.indexOf('.') + 1)
                + Base64.getUrlEncoder().withoutPadding().encodeToString(
                        payload("HMAC-SHA256", "someone-else", now()).getBytes(StandardCharsets.UTF_8));
        List<String> bad = List.of(
                sign("not-the-app-secret", payload("HMAC-SHA256", player, now())),   // bad signature
                tamperedPayload,                                                     // tampered payload
                sign(FacebookInstantGameTokens.APP_SECRET, payload("HS512", player, now())),  // wrong algorithm
                sign(FacebookInstantGameTokens.APP_SECRET, payload("none", player, now())),
                genuine.replace(".", ""),                                            // one part
                genuine + ".extra",                                                  // three parts
                "." + genuine.substring(genuine.indexOf('.') + 1),                   // empty signature
                genuine.substring(0, genuine.indexOf('.') + 1),                      // empty payload
                "%%%." + genuine.substring(genuine.indexOf('.') + 1),                // signature not base64url
                sign(FacebookInstantGameTokens.APP_SECRET, "not json"),
                sign(FacebookInstantGameTokens.APP_SECRET, "{\"algorithm\":\"HMAC-SHA256\"}"),  // no player id
                "x".repeat(20_000));
        ApiClient.Reply owner = api.authenticate("custom", null, ApiClient.json(Map.of("id", unique("custom-"))));
        for (String value : bad) {
            assertRefused(signIn(value));
            assertRefused(api.post("/v2/account/link/facebookinstantgame", ApiClient.bearer(owner.field("token")),
                    ApiClient.json(Map.of("signed_player_info", value))));
        }
        assertFalse(account(owner).path("user").has("facebook_instant_game_id"));
    }

    @Test
    void anEmptySecretRefusesEverything(@TempDir Path dir) {
        try (TestServer noSecret = TestServer.start(dir, clock)) {
            ApiClient client = noSecret.client();
            assertRefused(signIn(client, signedPlayerInfo(playerId(), now()), null));
            assertRefused(signIn(client, NAKAMA_JS_FIXTURE, null));
            assertError(client.authenticate("facebookinstantgame", null, "{}"), 400, 3, REQUIRED);
        }
    }

    @Test
    void aStaleIssuedAtIsRefusedWhenTheWindowIsOn(@TempDir Path dir) {
        try (TestServer windowed = TestServer.start(dir, clock,
                FacebookSignInTest.with(FacebookInstantGameTokens.flags(), "--social.facebook_instant_game.max_age_sec=300"))) {
            ApiClient client = windowed.client();
            String player = playerId();
            String fresh = signedPlayerInfo(player, now());
            assertEquals(200, signIn(client, fresh, null).status());
            clock.advance(Duration.ofSeconds(301));
            assertRefused(signIn(client, fresh, null));
            assertRefused(signIn(client, NAKAMA_JS_FIXTURE, null));
            assertEquals(200, signIn(client, signedPlayerInfo(player, now()), null).status());
        }
        // Off by default: the same old value still signs in on the main server.
        assertEquals(200, signIn(NAKAMA_JS_FIXTURE).status());
    }
}
