package io.guildhall.runtime.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwa.AlgorithmConstraints;
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
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Mints and verifies session and refresh tokens: compact HS256 JWTs with Nakama's claims
 * ({@code tid, uid, usn, vrs, exp, iat}). Verification pins HS256, requires an unexpired
 * {@code exp} (no leeway) and a UUID {@code uid}, and never reads the store.
 */
public final class TokenService {
    /** HS256 needs a key at least as long as its 256-bit hash output. */
    public static final int MIN_KEY_BYTES = 32;

    private static final JsonStringEncoder ESCAPE = JsonStringEncoder.getInstance();
    private static final byte[] QUOTE_COLON_QUOTE = "\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] VRS = ",\"vrs\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EXP = ",\"exp\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] IAT = ",\"iat\":".getBytes(StandardCharsets.US_ASCII);

    private final Signer session;
    private final Signer refresh;
    private final long sessionLifetimeSec;
    private final long refreshLifetimeSec;

    public TokenService(String sessionKey, long sessionLifetimeSec, String refreshKey, long refreshLifetimeSec) {
        this.session = new Signer(sessionKey, sessionLifetimeSec);
        this.refresh = new Signer(refreshKey, refreshLifetimeSec);
        this.sessionLifetimeSec = sessionLifetimeSec;
        this.refreshLifetimeSec = refreshLifetimeSec;
    }

    /** A session token and its refresh token: compact JWS strings held as their ASCII bytes, as they go to the wire. */
    public record Pair(byte[] token, byte[] refreshToken, SessionToken claims) {
    }

    /**
     * Mints both tokens for one sign-in or refresh. {@code tokenId} and {@code issuedAt} are new on
     * sign-in and carried over on refresh.
     */
    public Pair issue(String tokenId, UUID userId, String username, Map<String, String> vars, long issuedAt, long now) {
        return issue(tokenId, userId, username, vars, issuedAt, now, now + refreshLifetimeSec);
    }

    /** As above, with the refresh token's expiry given (refresh-token rotation re-issues a current one). */
    public Pair issue(String tokenId, UUID userId, String username, Map<String, String> vars, long issuedAt, long now,
                      long refreshExpiresAt) {
        SessionToken claims = new SessionToken(tokenId, userId, username, vars, now + sessionLifetimeSec, issuedAt);
        byte[] shared = sharedClaims(claims);
        byte[] token = session.sign(payload(shared, now + sessionLifetimeSec, issuedAt));
        byte[] refreshToken = refresh.sign(payload(shared, refreshExpiresAt, issuedAt));
        return new Pair(token, refreshToken, claims);
    }

    /**
     * The claims both tokens share, as a JSON object in Nakama's order ({@code vrs} only when there
     * are vars), still open for {@code exp} and {@code iat}: encoded once for the pair. Written
     * directly with Jackson's string escaper: a JsonGenerator cost more to create and close than
     * the rest of the encoding.
     */
    private static byte[] sharedClaims(SessionToken claims) {
        ByteArrayBuilder out = new ByteArrayBuilder(256);
        field(out, '{', "tid", claims.tokenId());
        field(out, ',', "uid", claims.userId().toString());
        field(out, ',', "usn", claims.username());
        if (!claims.vars().isEmpty()) {
            out.write(VRS);
            char separator = '{';
            for (Map.Entry<String, String> var : claims.vars().entrySet()) {
                field(out, separator, var.getKey(), var.getValue());
                separator = ',';
            }
            out.write('}');
        }
        return out.toByteArray();
    }

    /** {@code <separator>"name":"value"}, both escaped as JSON strings. */
    private static void field(ByteArrayBuilder out, char separator, String name, String value) {
        out.write(separator);
        out.write('"');
        string(out, name);
        out.write(QUOTE_COLON_QUOTE);
        string(out, value);
        out.write('"');
    }

    /** A JSON string's contents: printable ASCII other than quote and backslash as is, else escaped by Jackson. */
    private static void string(ByteArrayBuilder out, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                out.write(ESCAPE.quoteAsUTF8(text));
                return;
            }
        }
        // ids and most usernames: nothing to escape, one byte per character
        for (int i = 0; i < text.length(); i++) {
            out.write(text.charAt(i));
        }
    }

    private static byte[] payload(byte[] sharedClaims, long expiresAt, long issuedAt) {
        ByteArrayBuilder out = new ByteArrayBuilder(sharedClaims.length + 40);
        out.write(sharedClaims);
        out.write(EXP);
        decimal(out, expiresAt);
        out.write(IAT);
        decimal(out, issuedAt);
        out.write('}');
        return out.toByteArray();
    }

    /** A number's decimal digits (epoch seconds here). */
    private static void decimal(ByteArrayBuilder out, long value) {
        if (value < 0) {
            out.write(Long.toString(value).getBytes(StandardCharsets.US_ASCII));
            return;
        }
        long divisor = 1;
        while (value / divisor >= 10) {
            divisor *= 10;
        }
        for (; divisor > 0; divisor /= 10) {
            out.write((int) ('0' + value / divisor % 10));
        }
    }

    /** The claims of a valid session token, or null when it is not one. */
    public SessionToken verifySession(String jwt) {
        return session.verify(jwt);
    }

    /** The claims of a valid refresh token, or null when it is not one. */
    public SessionToken verifyRefresh(String jwt) {
        return refresh.verify(jwt);
    }

    public long sessionLifetimeSec() {
        return sessionLifetimeSec;
    }

    public long refreshLifetimeSec() {
        return refreshLifetimeSec;
    }

    /**
     * A token as a cache key: hashed on its last characters (its signature, as good as random) rather
     * than all of its few hundred, which a new String per request would hash every time; compared in full.
     */
    private record VerifiedKey(String jwt) {
        private static final int HASHED_CHARS = 16;

        @Override
        public int hashCode() {
            int h = jwt.length();
            for (int i = Math.max(0, jwt.length() - HASHED_CHARS); i < jwt.length(); i++) {
                h = 31 * h + jwt.charAt(i);
            }
            return h;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof VerifiedKey key && key.jwt.equals(jwt);
        }
    }

    private static final class Signer {
        // A client sends the same token for its whole life; verifying it once is enough. Bounded,
        // keyed by the exact token string, and no entry stays longer than one token lifetime.
        private static final int VERIFIED_CACHE_SIZE = 50_000;

        private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
        /** The encoded header and its dot: the same for every token. */
        private static final byte[] HEADER_DOT = (BASE64URL.encodeToString(
                "{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.US_ASCII)) + ".")
                .getBytes(StandardCharsets.US_ASCII);

        private final HmacKey key;
        private final ThreadLocal<Mac> macs;
        private final JwtConsumer consumer;
        private final Cache<VerifiedKey, SessionToken> verified;

        /** @param lifetimeSec how long this signer's tokens live: no cached entry outlives its token longer */
        Signer(String secret, long lifetimeSec) {
            // A fixed expiry rather than one per token: with per-entry expiry Caffeine records every
            // read for its policy, which cost a third of a microsecond per request; every hit is
            // still checked against its token's own exp.
            this.verified = Caffeine.newBuilder()
                    .maximumSize(VERIFIED_CACHE_SIZE)
                    // Housekeeping on the calling thread: waking a pool thread for it costs more here.
                    .executor(Runnable::run)
                    .expireAfterWrite(Duration.ofSeconds(lifetimeSec))
                    .build();
            byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
            if (bytes.length < MIN_KEY_BYTES) {
                throw new IllegalArgumentException("key is " + bytes.length + " bytes; HS256 needs at least "
                        + MIN_KEY_BYTES + " bytes (256 bits)");
            }
            this.key = new HmacKey(bytes);
            this.macs = ThreadLocal.withInitial(() -> {
                try {
                    Mac mac = Mac.getInstance("HmacSHA256");
                    mac.init(new SecretKeySpec(bytes, "HmacSHA256"));
                    return mac;
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("HmacSHA256 is not available", e);
                }
            });
            this.consumer = new JwtConsumerBuilder()
                    .setRequireExpirationTime()
                    .setAllowedClockSkewInSeconds(0)
                    .setSkipDefaultAudienceValidation()
                    .setVerificationKey(key)
                    .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.HMAC_SHA256)
                    .build();
        }

        /**
         * The compact JWS serialization (RFC 7515) of the claims, signed HS256. Written with the
         * JDK's Mac and Base64 rather than jose4j, which took 12 us a token here (its own JSON
         * writer, base64 and a new Mac per call); jose4j still verifies every token we accept.
         */
        byte[] sign(byte[] claimsJson) {
            byte[] payload = BASE64URL.encode(claimsJson);
            Mac mac = macs.get();
            mac.update(HEADER_DOT);
            mac.update(payload);
            byte[] signature = BASE64URL.encode(mac.doFinal());
            byte[] token = new byte[HEADER_DOT.length + payload.length + 1 + signature.length];
            System.arraycopy(HEADER_DOT, 0, token, 0, HEADER_DOT.length);
            System.arraycopy(payload, 0, token, HEADER_DOT.length, payload.length);
            token[HEADER_DOT.length + payload.length] = '.';
            System.arraycopy(signature, 0, token, HEADER_DOT.length + payload.length + 1, signature.length);
            return token;
        }

        SessionToken verify(String jwt) {
            if (jwt == null || jwt.isEmpty()) {
                return null;
            }
            VerifiedKey key = new VerifiedKey(jwt);
            SessionToken cached = verified.getIfPresent(key);
            if (cached != null) {
                return System.currentTimeMillis() / 1000 < cached.expiresAt() ? cached : null;
            }
            SessionToken claims = verifySignatureAndClaims(jwt);
            if (claims != null) {
                verified.put(key, claims);
            }
            return claims;
        }

        private SessionToken verifySignatureAndClaims(String jwt) {
            try {
                JwtClaims claims = consumer.processToClaims(jwt);
                UUID userId = UUID.fromString(claims.getStringClaimValue("uid"));
                String tokenId = claims.getStringClaimValue("tid");
                String username = claims.getStringClaimValue("usn");
                NumericDate issuedAt = claims.getIssuedAt();
                return new SessionToken(tokenId == null ? "" : tokenId, userId, username == null ? "" : username,
                        vars(claims), claims.getExpirationTime().getValue(), issuedAt == null ? 0 : issuedAt.getValue());
            } catch (InvalidJwtException | MalformedClaimException | IllegalArgumentException | NullPointerException e) {
                return null;
            }
        }

        private static Map<String, String> vars(JwtClaims claims) throws MalformedClaimException {
            Object value = claims.getClaimValue("vrs");
            if (!(value instanceof Map<?, ?> map)) {
                return Map.of();
            }
            Map<String, String> vars = new LinkedHashMap<>();
            map.forEach((k, v) -> vars.put(String.valueOf(k), String.valueOf(v)));
            return vars;
        }
    }
}
