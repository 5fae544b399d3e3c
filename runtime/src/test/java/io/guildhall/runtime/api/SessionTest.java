package io.guildhall.runtime.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.guildhall.runtime.testing.ApiClient;
import io.guildhall.runtime.testing.TestServer;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

import static io.guildhall.runtime.api.AuthenticateTest.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class SessionTest extends ApiTestBase {
    private static final String SESSION_KEY = "defaultencryptionkey-change-me-in-production";

    private static ApiClient.Reply refresh(String refreshToken, Object vars) {
        Map<String, Object> body = vars == null ? Map.of("token", refreshToken) : Map.of("token", refreshToken, "vars", vars);
        return api.post("/v2/account/session/refresh", ApiClient.basic("defaultkey"), ApiClient.json(body));
    }

    private static int accountStatus(String token) {
        return api.get("/v2/account", ApiClient.bearer(token)).status();
    }

    private static String sign(JwtClaims claims, String key, String alg) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(alg);
        jws.setKey(new HmacKey(key.getBytes(StandardCharsets.UTF_8)));
        jws.setDoKeyValidation(false);
        return jws.getCompactSerialization();
    }

    private static JwtClaims claims(String uid, long exp) {
        JwtClaims claims = new JwtClaims();
        claims.setClaim("tid", UUID.randomUUID().toString());
        claims.setClaim("uid", uid);
        claims.setClaim("usn", "someone");
        claims.setExpirationTime(NumericDate.fromSeconds(exp));
        claims.setIssuedAt(NumericDate.fromSeconds(exp - 60));
        return claims;
    }

    @Test
    void bearerTokensAreCheckedStrictly() throws Exception {
        ApiClient.Reply session = newAccount();
        String uid = payload(session.field("token")).get("uid").asText();
        long future = System.currentTimeMillis() / 1000 + 600;
        assertEquals(200, accountStatus(session.field("token")));
        assertError(api.get("/v2/account", null), 401, 16, "Auth token required");
        assertError(api.get("/v2/account", "Bearer garbage"), 401, 16, "Auth token invalid");
        assertError(api.get("/v2/account", "Basic " + session.field("token")), 401, 16, "Auth token invalid");
        assertError(api.get("/v2/account", ApiClient.bearer(session.field("refresh_token"))), 401, 16, "Auth token invalid");
        // The right key, but HS512, expired, or a uid that is no UUID.
        assertEquals(401, accountStatus(sign(claims(uid, future), SESSION_KEY, AlgorithmIdentifiers.HMAC_SHA512)));
        assertEquals(401, accountStatus(sign(claims(uid, future), "another-key-another-key-another-key!", AlgorithmIdentifiers.HMAC_SHA256)));
        assertEquals(401, accountStatus(sign(claims(uid, future - 601), SESSION_KEY, AlgorithmIdentifiers.HMAC_SHA256)));
        assertEquals(401, accountStatus(sign(claims("not-a-uuid", future), SESSION_KEY, AlgorithmIdentifiers.HMAC_SHA256)));
        // Sanity: the same forging code with the right key and algorithm is accepted, so the rejections above are real.
        assertEquals(200, accountStatus(sign(claims(uid, future), SESSION_KEY, AlgorithmIdentifiers.HMAC_SHA256)));
        // alg "none" with no signature, and a payload edited after signing.
        String[] parts = session.field("token").split("\\.");
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String none = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "." + parts[1] + ".";
        assertEquals(401, accountStatus(none));
        JsonNode claims = payload(session.field("token"));
        String edited = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace(claims.get("usn").asText(), "adminAdmin");
        assertEquals(401, accountStatus(parts[0] + "." + b64.encodeToString(edited.getBytes(StandardCharsets.UTF_8)) + "." + parts[2]));
    }

    @Test
    void refreshKeepsTokenIdIssueTimeAndVarsUnlessNewVarsAreSent() throws Exception {
        ApiClient.Reply session = api.authenticate("custom", null, ApiClient.json(Map.of("id", unique("c"), "vars", Map.of("k", "v"))));
        JsonNode original = payload(session.field("token"));
        Thread.sleep(1100);
        ApiClient.Reply kept = refresh(session.field("refresh_token"), Map.of());
        assertEquals(200, kept.status(), kept.toString());
        assertFalse(kept.json().has("created"));
        JsonNode refreshed = payload(kept.field("token"));
        assertNotEquals(session.field("token"), kept.field("token"));
        assertEquals(original.get("tid"), refreshed.get("tid"));
        assertEquals(original.get("iat"), refreshed.get("iat"));
        assertEquals("v", refreshed.get("vrs").get("k").asText());
        assertEquals(200, accountStatus(kept.field("token")));

        ApiClient.Reply replaced = refresh(kept.field("refresh_token"), Map.of("k", "w"));
        assertEquals("w", payload(replaced.field("token")).get("vrs").get("k").asText());
        assertEquals(200, refresh(session.field("refresh_token"), null).status(), "Nakama keeps old refresh tokens valid");
    }

    @Test
    void refreshReadsTheCurrentUsername() throws Exception {
        ApiClient.Reply session = newAccount();
        String renamed = "renamed" + UUID.randomUUID().toString().substring(0, 8);
        assertEquals(200, api.send("PUT", "/v2/account", bearerOf(session), ApiClient.json(Map.of("username", renamed))).status());
        assertNotEquals(renamed, payload(session.field("token")).get("usn").asText());
        assertEquals(renamed, payload(refresh(session.field("refresh_token"), null).field("token")).get("usn").asText());
    }

    @Test
    void refreshErrors() {
        ApiClient.Reply session = newAccount();
        assertError(refresh("", null), 400, 3, "Refresh token is required.");
        assertError(refresh("garbage", null), 401, 16, "Refresh token invalid or expired.");
        assertError(refresh(session.field("token"), null), 401, 16, "Refresh token invalid or expired.");
        assertError(api.post("/v2/account/session/refresh", null, ApiClient.json(Map.of("token", session.field("refresh_token")))),
                401, 16, "Server key required");
    }

    @Test
    void logoutWithBothTokensRevokesThem() {
        ApiClient.Reply session = newAccount();
        ApiClient.Reply other = api.authenticate("custom", null, ApiClient.json(Map.of("id", unique("c"))));
        ApiClient.Reply logout = api.post("/v2/session/logout", bearerOf(session),
                ApiClient.json(Map.of("token", session.field("token"), "refresh_token", session.field("refresh_token"))));
        assertEquals(200, logout.status(), logout.toString());
        assertEquals("{}", logout.text());
        assertError(api.get("/v2/account", bearerOf(session)), 401, 16, "Auth token invalid");
        assertError(refresh(session.field("refresh_token"), null), 401, 16, "Refresh token invalid or expired.");
        assertEquals(200, accountStatus(other.field("token")), "another user's session is untouched");
    }

    @Test
    void logoutWithAnEmptyBodyEndsEverySessionOfTheUserButNotLaterOnes() {
        String id = unique("c");
        ApiClient.Reply first = api.authenticate("custom", null, ApiClient.json(Map.of("id", id)));
        ApiClient.Reply second = api.authenticate("custom", null, ApiClient.json(Map.of("id", id)));
        assertEquals(200, api.post("/v2/session/logout", bearerOf(first), "{}").status());
        assertEquals(401, accountStatus(first.field("token")));
        assertEquals(401, accountStatus(second.field("token")));
        assertEquals(401, refresh(second.field("refresh_token"), null).status());
        ApiClient.Reply afterwards = api.authenticate("custom", null, ApiClient.json(Map.of("id", id)));
        assertEquals(200, accountStatus(afterwards.field("token")), "a sign-in right after logout works");
    }

    @Test
    void logoutRejectsTokensOfOtherUsers() {
        ApiClient.Reply mine = newAccount();
        ApiClient.Reply theirs = newAccount();
        assertError(api.post("/v2/session/logout", bearerOf(mine), ApiClient.json(Map.of("token", theirs.field("token")))),
                400, 3, "Session token invalid.");
        assertError(api.post("/v2/session/logout", bearerOf(mine), ApiClient.json(Map.of("refresh_token", theirs.field("refresh_token")))),
                400, 3, "Refresh token invalid.");
        assertError(api.post("/v2/session/logout", bearerOf(mine), ApiClient.json(Map.of("token", "garbage"))),
                400, 3, "Session token invalid.");
        assertEquals(200, accountStatus(theirs.field("token")));
    }

    @Test
    void revocationsSurviveARestart(@TempDir Path dir) {
        String loggedOut;
        String loggedOutRefresh;
        String everywhere;
        String alive;
        try (TestServer first = TestServer.start(dir)) {
            ApiClient client = first.client();
            ApiClient.Reply a = client.authenticate("custom", null, ApiClient.json(Map.of("id", unique("a"))));
            ApiClient.Reply b = client.authenticate("custom", null, ApiClient.json(Map.of("id", unique("b"))));
            ApiClient.Reply c = client.authenticate("custom", null, ApiClient.json(Map.of("id", unique("c"))));
            loggedOut = a.field("token");
            loggedOutRefresh = a.field("refresh_token");
            everywhere = b.field("token");
            alive = c.field("token");
            assertEquals(200, client.post("/v2/session/logout", ApiClient.bearer(loggedOut),
                    ApiClient.json(Map.of("token", loggedOut, "refresh_token", loggedOutRefresh))).status());
            assertEquals(200, client.post("/v2/session/logout", ApiClient.bearer(everywhere), "").status());
        }
        try (TestServer second = TestServer.start(dir)) {
            ApiClient client = second.client();
            assertEquals(401, client.get("/v2/account", ApiClient.bearer(loggedOut)).status());
            assertEquals(401, client.post("/v2/account/session/refresh", ApiClient.basic("defaultkey"),
                    ApiClient.json(Map.of("token", loggedOutRefresh))).status());
            assertEquals(401, client.get("/v2/account", ApiClient.bearer(everywhere)).status());
            assertEquals(200, client.get("/v2/account", ApiClient.bearer(alive)).status());
        }
    }

    @Test
    void singleSessionEndsEarlierSessions(@TempDir Path dir) {
        try (TestServer single = TestServer.start(dir, "--session.single_session=true")) {
            ApiClient client = single.client();
            String id = unique("c");
            ApiClient.Reply first = client.authenticate("custom", null, ApiClient.json(Map.of("id", id)));
            ApiClient.Reply second = client.authenticate("custom", null, ApiClient.json(Map.of("id", id)));
            assertEquals(401, client.get("/v2/account", ApiClient.bearer(first.field("token"))).status());
            assertEquals(401, client.post("/v2/account/session/refresh", ApiClient.basic("defaultkey"),
                    ApiClient.json(Map.of("token", first.field("refresh_token")))).status());
            assertEquals(200, client.get("/v2/account", ApiClient.bearer(second.field("token"))).status());
        }
    }
}
