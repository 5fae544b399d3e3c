package io.guildhall.runtime.console;

import io.guildhall.runtime.session.Hs256;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;

import java.nio.charset.StandardCharsets;
import java.time.Clock;

/** Console bearer tokens: HS256 with {@code console.signing_key}, claims {@code usr} (email), {@code exp}, {@code iat}. */
public final class ConsoleTokens {
    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = new com.fasterxml.jackson.databind.ObjectMapper();

    private final Hs256 key;
    private final long lifetimeSec;
    private final Clock clock;

    public ConsoleTokens(String signingKey, long lifetimeSec, Clock clock) {
        this.key = new Hs256(signingKey);
        this.lifetimeSec = lifetimeSec;
        this.clock = clock;
    }

    String issue(String email) {
        long now = clock.millis() / 1000;
        var claims = MAPPER.createObjectNode().put("usr", email).put("exp", now + lifetimeSec).put("iat", now);
        return key.sign(claims.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The email of a valid console token, or null. */
    public String user(String jwt) {
        JwtClaims claims = key.verify(jwt, clock.millis() / 1000);
        if (claims == null) {
            return null;
        }
        try {
            String email = claims.getStringClaimValue("usr");
            return email == null || email.isEmpty() ? null : email;
        } catch (MalformedClaimException e) {
            return null;
        }
    }
}
