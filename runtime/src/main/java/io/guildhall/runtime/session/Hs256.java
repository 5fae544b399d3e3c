package io.guildhall.runtime.session;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.HmacKey;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

/**
 * One HS256 key: signs compact JWTs with the JDK's Mac and verifies them with jose4j (algorithm
 * pinned, signature and a numeric {@code exp} required). Expiry is compared with the caller's
 * clock, not the system's, so tests can move time. Used by the analytics and console tokens.
 */
public final class Hs256 {
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final byte[] HEADER_DOT = (BASE64URL.encodeToString(
            "{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.US_ASCII)) + ".")
            .getBytes(StandardCharsets.US_ASCII);

    private final ThreadLocal<Mac> macs;
    private final JwtConsumer consumer;

    /** @throws IllegalArgumentException for a key shorter than {@link TokenService#MIN_KEY_BYTES} */
    public Hs256(String secret) {
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < TokenService.MIN_KEY_BYTES) {
            throw new IllegalArgumentException("key is " + bytes.length + " bytes; HS256 needs at least "
                    + TokenService.MIN_KEY_BYTES + " bytes (256 bits)");
        }
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(bytes, "HmacSHA256"));
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is not available", e);
            }
        });
        // Time-based checks are skipped here and done against the caller's clock in verify().
        this.consumer = new JwtConsumerBuilder()
                .setSkipAllDefaultValidators()
                .setVerificationKey(new HmacKey(bytes))
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.HMAC_SHA256)
                .build();
    }

    /** The compact JWS of the claims (a JSON object). */
    public String sign(byte[] claimsJson) {
        byte[] payload = BASE64URL.encode(claimsJson);
        Mac mac = macs.get();
        mac.update(HEADER_DOT);
        mac.update(payload);
        byte[] signature = BASE64URL.encode(mac.doFinal());
        return new String(HEADER_DOT, StandardCharsets.US_ASCII) + new String(payload, StandardCharsets.US_ASCII)
                + "." + new String(signature, StandardCharsets.US_ASCII);
    }

    /** The claims when the signature is valid and {@code exp} is after {@code nowSec}, else null. */
    public JwtClaims verify(String jwt, long nowSec) {
        if (jwt == null || jwt.isEmpty() || jwt.length() > 8192) {
            return null;
        }
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
}
