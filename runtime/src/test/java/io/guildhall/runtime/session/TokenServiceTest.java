package io.guildhall.runtime.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.guildhall.runtime.http.Json;
import io.guildhall.spi.ApiException;
import org.junit.jupiter.api.Test;

/** Minted tokens: well-formed JSON claims in Nakama's order, whatever the strings hold. */
class TokenServiceTest {
    private static final String SESSION_KEY = "session-key-for-tests-0123456789abcdef";
    private static final String REFRESH_KEY = "refresh-key-for-tests-0123456789abcdef";

    private final TokenService tokens = new TokenService(SESSION_KEY, 60, REFRESH_KEY, 3600);

    @Test
    void claimsNeedingEscapesSurviveMintingAndVerification() throws Exception {
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("quote\"key", "back\\slash");
        vars.put("line\nbreak", "tab\tand \u0001 control");
        vars.put("ünï", "😀 emoji");
        UUID user = UUID.randomUUID();
        long now = System.currentTimeMillis() / 1000;
        TokenService.Pair pair = tokens.issue("tid-1", user, "name \"with\" quotes", vars, now - 5, now);

        for (byte[] jwt : new byte[][] {pair.token(), pair.refreshToken()}) {
            String payload = new String(Base64.getUrlDecoder().decode(
                    new String(jwt, StandardCharsets.US_ASCII).split("\\.")[1]), StandardCharsets.UTF_8);
            JsonNode claims = Json.MAPPER.readTree(payload);
            assertEquals("[tid, uid, usn, vrs, exp, iat]", fieldNames(claims));
            assertEquals(now - 5, claims.get("iat").asLong());
        }
        SessionToken session = tokens.verifySession(new String(pair.token(), StandardCharsets.US_ASCII));
        assertEquals(user, session.userId());
        assertEquals("name \"with\" quotes", session.username());
        assertEquals(vars, session.vars());
        assertEquals(now + 60, session.expiresAt());
        SessionToken refresh = tokens.verifyRefresh(new String(pair.refreshToken(), StandardCharsets.US_ASCII));
        assertEquals(vars, refresh.vars());
        assertEquals(now + 3600, refresh.expiresAt());
        // each token verifies only with its own key
        assertNull(tokens.verifyRefresh(new String(pair.token(), StandardCharsets.US_ASCII)));
        assertNull(tokens.verifySession(new String(pair.refreshToken(), StandardCharsets.US_ASCII)));
    }

    @Test
    void noVarsMeansNoVrsClaim() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        TokenService.Pair pair = tokens.issue("", UUID.randomUUID(), "plain", Map.of(), now, now);
        String payload = new String(Base64.getUrlDecoder().decode(
                new String(pair.token(), StandardCharsets.US_ASCII).split("\\.")[1]), StandardCharsets.UTF_8);
        assertEquals("[tid, uid, usn, exp, iat]", fieldNames(Json.MAPPER.readTree(payload)));
    }

    @Test
    void payloadIsCompactJsonInNakamasOrder() {
        UUID user = UUID.fromString("01234567-89ab-7def-8123-456789abcdef");
        for (long issuedAt : new long[] {0, 7, 1_795_486_803L, -5}) {
            TokenService.Pair pair = tokens.issue("tid-1", user, "plain_name", Map.of("k", "v"), issuedAt, 1000);
            String payload = new String(Base64.getUrlDecoder().decode(
                    new String(pair.refreshToken(), StandardCharsets.US_ASCII).split("\\.")[1]), StandardCharsets.UTF_8);
            assertEquals("{\"tid\":\"tid-1\",\"uid\":\"01234567-89ab-7def-8123-456789abcdef\",\"usn\":\"plain_name\","
                    + "\"vrs\":{\"k\":\"v\"},\"exp\":4600,\"iat\":" + issuedAt + "}", payload);
        }
    }

    @Test
    void storedStringsThatAreNotValidUtf16NeverMakeMintingThrow() {
        long now = System.currentTimeMillis() / 1000;
        TokenService.Pair pair = tokens.issue("t", UUID.randomUUID(), "lone\ud800surrogate", Map.of("k\udc00", "v\ud83d"), now, now);
        SessionToken session = tokens.verifySession(new String(pair.token(), StandardCharsets.US_ASCII));
        assertEquals("lone\ufffdsurrogate", session.username());
        assertEquals(Map.of("k\ufffd", "v\ufffd"), session.vars());
    }

    @Test
    void varsBeyondTheLimitsAreRefusedAndTheLongestTokenIsStillAccepted() {
        TokenService limited = new TokenService(new SigningKeys(SESSION_KEY, List.of()), 60,
                new SigningKeys(REFRESH_KEY, List.of()), 3600, new TokenService.Limits(3, 40, 1 << 20));
        ApiException many = assertThrows(ApiException.class, () -> limited.checkVars(Map.of("a", "1", "b", "2", "c", "3", "d", "4")));
        assertEquals("Too many session vars: at most 3 are allowed.", many.getMessage());
        // escapes count: six bytes per control character
        ApiException large = assertThrows(ApiException.class, () -> limited.checkVars(Map.of("k", "\u0001".repeat(7))));
        assertEquals("Session vars are too large: at most 40 bytes are allowed.", large.getMessage());
        // a token at every limit with the worst escaping verifies: the length cap is not too tight
        Map<String, String> worst = new LinkedHashMap<>();
        worst.put("\u0001", "\u0001".repeat(4));
        worst.put("\"", "\"");
        worst.put("\\", "\\".repeat(2));
        limited.checkVars(worst);
        long now = System.currentTimeMillis() / 1000;
        String username = "\"".repeat(TokenService.MAX_USERNAME_BYTES);
        TokenService.Pair pair = limited.issue(UUID.randomUUID().toString(), UUID.randomUUID(), username, worst, now, now);
        String token = new String(pair.token(), StandardCharsets.US_ASCII);
        assertTrue(token.length() <= limited.maxTokenChars(), token.length() + " > " + limited.maxTokenChars());
        assertEquals(username, limited.verifySession(token).username());
    }

    @Test
    void tokensLongerThanAnyWeMintAreRefusedBeforeVerifying() {
        TokenService limited = new TokenService(new SigningKeys(SESSION_KEY, List.of()), 60,
                new SigningKeys(REFRESH_KEY, List.of()), 3600, new TokenService.Limits(2, 32, 1 << 20));
        // correctly signed with our key, but carrying more than the limits allow: never verified
        long now = System.currentTimeMillis() / 1000;
        String big = new String(tokens.issue("t", UUID.randomUUID(), "u", Map.of("k", "v".repeat(3000)), now, now).token(),
                StandardCharsets.US_ASCII);
        assertTrue(big.length() > limited.maxTokenChars());
        assertNotNull(tokens.verifySession(big));
        assertNull(limited.verifySession(big));
    }

    @Test
    void verifiedTokensAreBoundedByWeightNotCount() {
        long budget = 64 * 1024;
        TokenService small = new TokenService(new SigningKeys(SESSION_KEY, List.of()), 60,
                new SigningKeys(REFRESH_KEY, List.of()), 3600, new TokenService.Limits(32, 4096, budget));
        long now = System.currentTimeMillis() / 1000;
        for (int i = 0; i < 200; i++) {
            // about 4 KB of vars each: 200 of them are ~1.6 MB of tokens
            String token = new String(small.issue("t" + i, UUID.randomUUID(), "u", Map.of("k", "v".repeat(4000)), now, now).token(),
                    StandardCharsets.US_ASCII);
            assertNotNull(small.verifySession(token));
        }
        assertTrue(small.cachedBytes() <= budget, small.cachedBytes() + " bytes cached");
        assertTrue(small.cachedBytes() > budget / 2, "the cache is used: " + small.cachedBytes());
    }

    @Test
    void rotatedKeysKeepOldTokensValidAndKidLessTokensTryEveryKey() throws Exception {
        String oldKey = "old-session-key-0123456789abcdef-xyz";
        TokenService before = new TokenService(oldKey, 60, REFRESH_KEY, 3600);
        TokenService after = new TokenService(new SigningKeys(SESSION_KEY, List.of(oldKey)), 60,
                new SigningKeys(REFRESH_KEY, List.of()), 3600, TokenService.Limits.DEFAULTS);
        TokenService removed = new TokenService(SESSION_KEY, 60, REFRESH_KEY, 3600);
        long now = System.currentTimeMillis() / 1000;
        UUID user = UUID.randomUUID();
        String old = new String(before.issue("t", user, "u", Map.of(), now, now).token(), StandardCharsets.US_ASCII);
        String fresh = new String(after.issue("t", user, "u", Map.of(), now, now).token(), StandardCharsets.US_ASCII);
        assertEquals(SigningKeys.kid(oldKey), header(old).get("kid").asText());
        assertEquals(SigningKeys.kid(SESSION_KEY), header(fresh).get("kid").asText());
        assertEquals(user, after.verifySession(old).userId());
        assertEquals(user, after.verifySession(fresh).userId());
        assertNull(removed.verifySession(old), "a removed key ends its sessions");
        assertNull(before.verifySession(fresh));

        // a token minted before tokens carried a kid: tried against the current and previous keys
        String legacy = io.guildhall.runtime.testing.LegacyJwt.sign(oldKey, "{\"tid\":\"t\",\"uid\":\"" + user + "\",\"usn\":\"u\",\"exp\":" + (now + 60)
                + ",\"iat\":" + now + "}");
        assertEquals(user, after.verifySession(legacy).userId());
        assertNull(removed.verifySession(legacy));
    }


    private static JsonNode header(String jwt) throws Exception {
        return Json.MAPPER.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[0]));
    }

    private static String fieldNames(JsonNode node) {
        StringBuilder names = new StringBuilder("[");
        node.fieldNames().forEachRemaining(name -> names.append(names.length() > 1 ? ", " : "").append(name));
        return names.append(']').toString();
    }
}
