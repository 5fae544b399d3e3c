package io.guildhall.runtime.session;

import org.jose4j.json.JsonUtil;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HS256 tokens of one kind with rotating keys ({@link SigningKeys}): signs compact JWTs with the
 * current key and the JDK's Mac, naming the key in the {@code kid} header; verifies them with jose4j
 * (algorithm pinned, signature and a numeric {@code exp} required) against the key the header names,
 * or, for a token without {@code kid} (minted before tokens named their key, or by Nakama), against
 * each key in turn. A token naming a key no longer held is refused: removing a key ends its tokens.
 * Expiry is compared with the caller's time, so tests can move it. Used by every token the server
 * mints: game sessions, analytics and console tokens.
 */
public final class Hs256 {
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    /** Longer than any analytics or console token this server mints or accepts from Nakama. */
    private static final int DEFAULT_MAX_CHARS = 8192;

    /** The current key's encoded header and its dot: the same for every token it signs. */
    private final byte[] headerDot;
    private final ThreadLocal<Mac> macs;
    /** A verifier per key id, current key first. */
    private final Map<String, JwtConsumer> byKid = new LinkedHashMap<>();
    private final int maxChars;

    /** One key and no previous ones. */
    public Hs256(String secret) {
        this(new SigningKeys(secret, List.of()));
    }

    public Hs256(SigningKeys keys) {
        this(keys, DEFAULT_MAX_CHARS);
    }

    /**
     * @param maxChars longer token strings are refused before any parsing (not ours)
     * @throws IllegalArgumentException for a key shorter than {@link TokenService#MIN_KEY_BYTES}
     */
    public Hs256(SigningKeys keys, int maxChars) {
        this.maxChars = maxChars;
        for (String secret : keys.all()) {
            byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
            if (bytes.length < TokenService.MIN_KEY_BYTES) {
                throw new IllegalArgumentException("key is " + bytes.length + " bytes; HS256 needs at least "
                        + TokenService.MIN_KEY_BYTES + " bytes (256 bits)");
            }
            // Time-based checks are skipped here and done against the caller's time in verify().
            byKid.putIfAbsent(SigningKeys.kid(secret), new JwtConsumerBuilder()
                    .setSkipAllDefaultValidators()
                    .setVerificationKey(new HmacKey(bytes))
                    .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.HMAC_SHA256)
                    .build());
        }
        byte[] current = keys.current().getBytes(StandardCharsets.UTF_8);
        this.headerDot = (SigningKeys.encodedHeader(SigningKeys.kid(keys.current())) + ".").getBytes(StandardCharsets.US_ASCII);
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(current, "HmacSHA256"));
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is not available", e);
            }
        });
    }

    /** The compact JWS of the claims (a JSON object). */
    public String sign(byte[] claimsJson) {
        return new String(signBytes(claimsJson), StandardCharsets.US_ASCII);
    }

    /**
     * As {@link #sign}, as ASCII bytes. Written with the JDK's Mac and Base64 rather than jose4j, which
     * took 12 us a token here (its own JSON writer, base64 and a new Mac per call); jose4j still
     * verifies every token we accept.
     */
    public byte[] signBytes(byte[] claimsJson) {
        byte[] payload = BASE64URL.encode(claimsJson);
        Mac mac = macs.get();
        mac.update(headerDot);
        mac.update(payload);
        byte[] signature = BASE64URL.encode(mac.doFinal());
        byte[] token = new byte[headerDot.length + payload.length + 1 + signature.length];
        System.arraycopy(headerDot, 0, token, 0, headerDot.length);
        System.arraycopy(payload, 0, token, headerDot.length, payload.length);
        token[headerDot.length + payload.length] = '.';
        System.arraycopy(signature, 0, token, headerDot.length + payload.length + 1, signature.length);
        return token;
    }

    /** The claims when a key we hold signed the token and {@code exp} is after {@code nowSec}, else null. */
    public JwtClaims verify(String jwt, long nowSec) {
        if (jwt == null || jwt.isEmpty() || jwt.length() > maxChars) {
            return null;
        }
        String kid = kid(jwt);
        if (kid != null) {
            JwtConsumer consumer = byKid.get(kid);
            return consumer == null ? null : verifyWith(consumer, jwt, nowSec);
        }
        for (JwtConsumer consumer : byKid.values()) {
            JwtClaims claims = verifyWith(consumer, jwt, nowSec);
            if (claims != null) {
                return claims;
            }
        }
        return null;
    }

    private static JwtClaims verifyWith(JwtConsumer consumer, String jwt, long nowSec) {
        try {
            JwtClaims claims = consumer.processToClaims(jwt);
            NumericDate exp = claims.getExpirationTime();
            if (exp == null || exp.getValue() <= nowSec) {
                return null;
            }
            return claims;
        } catch (InvalidJwtException | MalformedClaimException e) {
            return null;
        }
    }

    /** The header's {@code kid}, or null when it has none or the header is unreadable. */
    private static String kid(String jwt) {
        int dot = jwt.indexOf('.');
        if (dot < 0) {
            return null;
        }
        try {
            Map<String, Object> header = JsonUtil.parseJson(new String(
                    Base64.getUrlDecoder().decode(jwt.substring(0, dot)), StandardCharsets.UTF_8));
            return header.get("kid") instanceof String kid ? kid : null;
        } catch (JoseException | IllegalArgumentException | ClassCastException e) {
            return null;
        }
    }
}
