package io.guildhall.auth.facebookinstant;

import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pure signature and payload checks; the real server's handling is in the runtime's FacebookInstantGameSignInTest. */
class SignedPlayerInfoVerifierTest {
    private static final String SECRET = "fb-instant-test-secret";
    /**
     * Built exactly as nakama-js's client-link test builds its fixture (node: JSON.stringify of the
     * payload, base64url without padding, HMAC-SHA256 of the encoded payload), by node, not by this code.
     */
    private static final String NAKAMA_JS_FIXTURE = "THoc2IVuxq0gmRVLeI24AMpmdGKoJbKvjo_vDXVgXtk."
            + "eyJhbGdvcml0aG0iOiJITUFDLVNIQTI1NiIsImlzc3VlZF9hdCI6MTU5NDg2NzYyOCwicGxheWVyX2lkIjoiYS1mYi1pZCIsInJlcXVlc3RfcGF5bG9hZCI6IiJ9";
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private final SignedPlayerInfoVerifier verifier = verifier(SECRET, Duration.ZERO);

    private static SignedPlayerInfoVerifier verifier(String secret, Duration maxAge) {
        return new SignedPlayerInfoVerifier(secret.getBytes(StandardCharsets.UTF_8), maxAge, CLOCK);
    }

    static String sign(String secret, String payloadJson) {
        String payload = b64(payloadJson.getBytes(StandardCharsets.UTF_8));
        return b64(hmac(secret, payload)) + "." + payload;
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] hmac(String secret, String message) {
        // HMAC pads its key with zero bytes, so one zero byte is the empty key, which SecretKeySpec refuses.
        byte[] key = secret.isEmpty() ? new byte[1] : secret.getBytes(StandardCharsets.UTF_8);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String payload(String algorithm, String playerId, Object issuedAt) {
        return "{\"algorithm\":\"" + algorithm + "\",\"issued_at\":" + issuedAt + ",\"player_id\":\"" + playerId
                + "\",\"request_payload\":\"\"}";
    }

    private void refused(SignedPlayerInfoVerifier v, String value, String reasonPart) {
        SignedPlayerInfoVerifier.Refused e = assertThrows(SignedPlayerInfoVerifier.Refused.class, () -> v.playerId(value));
        assertTrue(e.getMessage().contains(reasonPart), e.getMessage());
    }

    @Test
    void acceptsTheNakamaJsFixture() throws Exception {
        assertEquals("a-fb-id", verifier.playerId(NAKAMA_JS_FIXTURE));
    }

    @Test
    void acceptsPaddedBase64urlAsNakamaDoes() throws Exception {
        String json = payload("HMAC-SHA256", "12345", 1);   // 79 bytes: its base64 needs padding
        String payload = Base64.getUrlEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
        assertTrue(payload.endsWith("="));
        String value = Base64.getUrlEncoder().encodeToString(hmac(SECRET, payload)) + "." + payload;
        assertEquals("12345", verifier.playerId(value));
    }

    @Test
    void anEmptySecretRefusesEvenAValueSignedWithAnEmptyKey() {
        SignedPlayerInfoVerifier noSecret = verifier("", Duration.ZERO);
        // Nakama would accept this: HMAC with an empty key is still an HMAC.
        refused(noSecret, sign("", payload("HMAC-SHA256", "p1", 1)), "no app secret");
    }

    @Test
    void aWrongSecretOrATamperedPayloadIsABadSignature() {
        refused(verifier, sign("another-secret", payload("HMAC-SHA256", "p1", 1)), "bad signature");
        String genuine = sign(SECRET, payload("HMAC-SHA256", "p1", 1));
        String forgedPayload = b64(payload("HMAC-SHA256", "p2", 1).getBytes(StandardCharsets.UTF_8));
        refused(verifier, genuine.substring(0, genuine.indexOf('.') + 1) + forgedPayload, "bad signature");
        // One flipped character of the signature.
        char first = genuine.charAt(0);
        refused(verifier, (first == 'A' ? 'B' : 'A') + genuine.substring(1), "bad signature");
        // A truncated signature, and a signature that is not base64url.
        refused(verifier, genuine.substring(4), "bad signature");
        refused(verifier, "!!!" + genuine.substring(3), "not base64url");
    }

    @Test
    void onlyHmacSha256IsAccepted() {
        refused(verifier, sign(SECRET, payload("HS512", "p1", 1)), "algorithm");
        refused(verifier, sign(SECRET, payload("none", "p1", 1)), "algorithm");
        refused(verifier, sign(SECRET, payload("hmac-sha256", "p1", 1)), "algorithm");
        refused(verifier, sign(SECRET, "{\"player_id\":\"p1\"}"), "algorithm");
    }

    @Test
    void theValueMustBeExactlyTwoNonEmptyParts() {
        String genuine = sign(SECRET, payload("HMAC-SHA256", "p1", 1));
        for (String bad : new String[]{genuine.replace(".", ""), genuine + ".", "." + genuine, genuine + ".x",
                "x." + genuine, ".", "..", genuine.substring(0, genuine.indexOf('.') + 1)}) {
            refused(verifier, bad, "");
        }
        refused(verifier, genuine + ".x", "two non-empty parts");
        refused(verifier, "a".repeat(SignedPlayerInfoVerifier.MAX_CHARS) + "." + genuine, "longer than");
    }

    @Test
    void thePayloadMustBeAJsonObjectWithAUsablePlayerId() {
        refused(verifier, sign(SECRET, "[1,2]"), "not a JSON object");
        refused(verifier, sign(SECRET, "{not json"), "not JSON");
        refused(verifier, sign(SECRET, payload("HMAC-SHA256", "", 1)), "player_id");
        refused(verifier, sign(SECRET, payload("HMAC-SHA256", "has space", 1)), "player_id");
        refused(verifier, sign(SECRET, "{\"algorithm\":\"HMAC-SHA256\",\"player_id\":7}"), "player_id");
        refused(verifier, sign(SECRET, payload("HMAC-SHA256", "p1", "\"yesterday\"")), "issued_at");
    }

    @Test
    void theFreshnessWindowAppliesOnlyWhenConfigured() throws Exception {
        long now = NOW.getEpochSecond();
        String old = sign(SECRET, payload("HMAC-SHA256", "p1", now - 3600));
        assertEquals("p1", verifier.playerId(old), "off by default: Nakama has no freshness check");

        SignedPlayerInfoVerifier windowed = verifier(SECRET, Duration.ofMinutes(5));
        refused(windowed, old, "freshness window");
        refused(windowed, sign(SECRET, payload("HMAC-SHA256", "p1", now + 3600)), "freshness window");
        refused(windowed, sign(SECRET, "{\"algorithm\":\"HMAC-SHA256\",\"player_id\":\"p1\"}"), "issued_at is missing");
        assertEquals("p1", windowed.playerId(sign(SECRET, payload("HMAC-SHA256", "p1", now - 300))));
        assertEquals("p1", windowed.playerId(sign(SECRET, payload("HMAC-SHA256", "p1", now - 10))));
        refused(windowed, sign(SECRET, payload("HMAC-SHA256", "p1", now - 301)), "freshness window");
    }
}
