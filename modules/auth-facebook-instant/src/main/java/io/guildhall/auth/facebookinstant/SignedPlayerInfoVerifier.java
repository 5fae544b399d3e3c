package io.guildhall.auth.facebookinstant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guildhall.spi.Identifiers;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;

/**
 * Checks a Facebook Instant Games {@code signed_player_info}: {@code <signature>.<payload>}, both
 * base64url, where the signature is HMAC-SHA256 of the payload segment exactly as sent, keyed with
 * the app secret, and the payload is JSON {@code {"algorithm","player_id","request_payload","issued_at"}}.
 * The signature is compared in constant time and checked before the payload is read.
 */
final class SignedPlayerInfoVerifier {
    static final String ALGORITHM = "HMAC-SHA256";
    // A real one is about 300 characters; the request_payload a game adds is its own, so allow some room.
    static final int MAX_CHARS = 8192;
    private static final int MAX_PLAYER_ID_BYTES = 128;
    private static final int SIGNATURE_BYTES = 32;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Why the value did not prove a player (for the server's log; the client sees one message). */
    static final class Refused extends Exception {
        Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    private final byte[] secret;
    private final Duration maxAge;
    private final Clock clock;

    /** {@code maxAge} zero turns the freshness check off. An empty secret refuses everything. */
    SignedPlayerInfoVerifier(byte[] secret, Duration maxAge, Clock clock) {
        this.secret = secret.clone();
        this.maxAge = maxAge;
        this.clock = clock;
    }

    /** The player id the value proves. */
    String playerId(String signedPlayerInfo) throws Refused {
        if (secret.length == 0) {
            throw new Refused("no app secret is configured");
        }
        if (signedPlayerInfo.length() > MAX_CHARS) {
            throw new Refused("longer than " + MAX_CHARS + " characters");
        }
        int dot = signedPlayerInfo.indexOf('.');
        if (dot <= 0 || dot == signedPlayerInfo.length() - 1 || signedPlayerInfo.indexOf('.', dot + 1) >= 0) {
            throw new Refused("not two non-empty parts separated by one dot");
        }
        String payloadSegment = signedPlayerInfo.substring(dot + 1);
        byte[] signature = base64url(signedPlayerInfo.substring(0, dot), "signature");
        if (signature.length != SIGNATURE_BYTES || !MessageDigest.isEqual(signature, hmac(payloadSegment))) {
            throw new Refused("bad signature");
        }
        JsonNode payload = payload(base64url(payloadSegment, "payload"));
        if (!ALGORITHM.equals(payload.path("algorithm").asText(null))) {
            throw new Refused("algorithm is not " + ALGORITHM);
        }
        checkFreshness(payload.get("issued_at"));
        String playerId = payload.path("player_id").isTextual() ? payload.get("player_id").asText() : "";
        if (playerId.isEmpty() || Identifiers.hasControlOrSpace(playerId)
                || !Identifiers.lengthWithin(playerId, 1, MAX_PLAYER_ID_BYTES)) {
            throw new Refused("player_id is missing or malformed");
        }
        return playerId;
    }

    private void checkFreshness(JsonNode issuedAt) throws Refused {
        if (issuedAt != null && !issuedAt.isNull() && !issuedAt.canConvertToExactIntegral()) {
            throw new Refused("issued_at is not a whole number");
        }
        if (maxAge.isZero()) {
            return;
        }
        if (issuedAt == null || issuedAt.isNull() || !issuedAt.canConvertToLong()) {
            throw new Refused("issued_at is missing");
        }
        long ageSec = clock.instant().getEpochSecond() - issuedAt.asLong();
        // A value from the future is as suspect as an old one: the window applies both ways.
        if (Math.abs(ageSec) > maxAge.toSeconds()) {
            throw new Refused("issued_at is outside the freshness window (" + ageSec + " s old)");
        }
    }

    private byte[] hmac(String payloadSegment) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(payloadSegment.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    /** Base64url with or without padding (Facebook sends it without; Nakama accepts both). */
    private static byte[] base64url(String segment, String what) throws Refused {
        try {
            return Base64.getUrlDecoder().decode(segment);
        } catch (IllegalArgumentException e) {
            throw new Refused(what + " is not base64url");
        }
    }

    private static JsonNode payload(byte[] json) throws Refused {
        try {
            JsonNode payload = JSON.readTree(json);
            if (payload == null || !payload.isObject()) {
                throw new Refused("payload is not a JSON object");
            }
            return payload;
        } catch (IOException e) {
            throw new Refused("payload is not JSON");
        }
    }
}
