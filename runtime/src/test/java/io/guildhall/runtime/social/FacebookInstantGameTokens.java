package io.guildhall.runtime.social;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Facebook Instant Games {@code signed_player_info} values for tests, built as Facebook (and
 * nakama-js's own fixture) builds them: base64url payload, HMAC-SHA256 of that segment with the app
 * secret. The provider never calls out, so no stand-in server is needed; {@link #flags()} configures it.
 */
public final class FacebookInstantGameTokens {
    /** The secret nakama-js's client tests sign with. */
    public static final String APP_SECRET = "fb-instant-test-secret";

    private FacebookInstantGameTokens() {
    }

    public static String[] flags() {
        return new String[]{"--social.facebook_instant_game.app_secret=" + APP_SECRET};
    }

    /** A value for {@code playerId} issued at {@code issuedAtSec}, signed with {@link #APP_SECRET}. */
    public static String signedPlayerInfo(String playerId, long issuedAtSec) {
        return sign(APP_SECRET, payload("HMAC-SHA256", playerId, issuedAtSec));
    }

    public static String payload(String algorithm, String playerId, long issuedAtSec) {
        return "{\"algorithm\":\"" + algorithm + "\",\"issued_at\":" + issuedAtSec + ",\"player_id\":\"" + playerId
                + "\",\"request_payload\":\"\"}";
    }

    /** Signs any payload JSON with any secret. */
    public static String sign(String secret, String payloadJson) {
        String payload = base64url(payloadJson.getBytes(StandardCharsets.UTF_8));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return base64url(mac.doFinal(payload.getBytes(StandardCharsets.US_ASCII))) + "." + payload;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String base64url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
