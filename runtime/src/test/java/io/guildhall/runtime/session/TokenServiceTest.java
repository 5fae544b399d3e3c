package io.guildhall.runtime.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.guildhall.runtime.http.Json;
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

    private static String fieldNames(JsonNode node) {
        StringBuilder names = new StringBuilder("[");
        node.fieldNames().forEachRemaining(name -> names.append(names.length() > 1 ? ", " : "").append(name));
        return names.append(']').toString();
    }
}
