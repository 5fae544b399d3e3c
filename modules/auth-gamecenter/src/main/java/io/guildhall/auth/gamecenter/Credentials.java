package io.guildhall.auth.gamecenter;

import io.guildhall.spi.ApiException;
import io.guildhall.spi.RequestBody;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What GameKit's identity-verification call gives the client, as sent in an AccountGameCenter
 * message. {@code salt} and {@code signature} stay base64 here: decoding them is part of the check.
 * {@code timestamp} is kept exactly as sent, since it is what Apple signed.
 */
record Credentials(String bundleId, String playerId, String publicKeyUrl, String salt, String signature, long timestamp) {
    static final String[] FIELDS = {"bundle_id", "player_id", "public_key_url", "salt", "signature", "timestamp_seconds"};

    static Credentials read(RequestBody body) {
        return new Credentials(body.string("bundle_id"), body.string("player_id"), body.string("public_key_url"),
                body.string("salt"), body.string("signature"), body.int64("timestamp_seconds"));
    }

    /** True when the message carries none of the six fields (Nakama's "account missing"). */
    static boolean absent(RequestBody body) {
        for (String field : FIELDS) {
            if (body.has(field)) {
                return false;
            }
        }
        return true;
    }

    /** The required-field checks of spec §7.2, in Nakama's order and with its exact messages. */
    void requireAll() {
        if (bundleId.isEmpty()) {
            throw ApiException.invalid("GameCenter bundle ID is required.");
        }
        if (playerId.isEmpty()) {
            throw ApiException.invalid("GameCenter player ID is required.");
        }
        if (publicKeyUrl.isEmpty()) {
            throw ApiException.invalid("GameCenter public key URL is required.");
        }
        if (salt.isEmpty()) {
            throw ApiException.invalid("GameCenter salt is required.");
        }
        if (signature.isEmpty()) {
            throw ApiException.invalid("GameCenter signature is required.");
        }
        if (timestamp == 0) {
            throw ApiException.invalid("GameCenter timestamp is required.");
        }
    }

    /** True when all six fields are set (unlink verifies only then, spec §8.2). */
    boolean complete() {
        return !bundleId.isEmpty() && !playerId.isEmpty() && !publicKeyUrl.isEmpty() && !salt.isEmpty()
                && !signature.isEmpty() && timestamp != 0;
    }

    /**
     * The bytes Apple signs: UTF-8 player id, UTF-8 bundle id, the timestamp as a big-endian
     * unsigned 64-bit number, then the raw salt.
     */
    static byte[] signedPayload(String playerId, String bundleId, long timestamp, byte[] salt) {
        byte[] player = playerId.getBytes(StandardCharsets.UTF_8);
        byte[] bundle = bundleId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(player.length + bundle.length + Long.BYTES + salt.length)
                .put(player).put(bundle).putLong(timestamp).put(salt).array();
    }
}
