package com.example.studio;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The studio login service's tickets: {@code <player id>.<expiry, epoch seconds>.<signature>} where
 * the signature is base64url(HMAC-SHA256(secret, "<player id>.<expiry>")). The login service and this
 * plugin share the secret; the game client only carries the ticket.
 */
public final class Tickets {
    private static final Pattern PLAYER = Pattern.compile("[A-Za-z0-9_-]{3,64}");

    private final byte[] secret;

    public Tickets(String secret) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
    }

    /** What the login service does. */
    public String issue(String player, Instant expiresAt) {
        String payload = player + "." + expiresAt.getEpochSecond();
        return payload + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(sign(payload));
    }

    /** The player the ticket names, or null when it is malformed, forged or expired. */
    public String verify(String ticket, Instant now) {
        String[] parts = ticket.split("\\.", -1);
        if (parts.length != 3 || !PLAYER.matcher(parts[0]).matches()) {
            return null;
        }
        long expires;
        byte[] presented;
        try {
            expires = Long.parseLong(parts[1]);
            presented = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            return null;
        }
        byte[] expected = sign(parts[0] + "." + parts[1]);
        // constant time: the comparison must not tell a forger how many bytes were right
        if (!MessageDigest.isEqual(expected, presented) || now.getEpochSecond() >= expires) {
            return null;
        }
        return parts[0];
    }

    private byte[] sign(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
        }
    }
}
