package io.guildhall.runtime.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.json.JsonUtil;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;

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

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] QUOTE_COLON_QUOTE = "\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] VRS = ",\"vrs\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EXP = ",\"exp\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] IAT = ",\"iat\":".getBytes(StandardCharsets.US_ASCII);

    /** Longest username a token may carry, in UTF-8 bytes (the account rules allow no more). */
    static final int MAX_USERNAME_BYTES = 128;

    private final Signer session;
    private final Signer refresh;
    private final long sessionLifetimeSec;
    private final long refreshLifetimeSec;
    private final Limits limits;
    private final int maxTokenChars;

    /**
     * What a token may carry and how much memory verified tokens may hold.
     *
     * @param maxVars         entries of {@code vars}
     * @param maxVarsBytes    bytes of {@code vars}' keys and values as encoded in the token (escapes counted)
     * @param verifiedCacheBytes weight of each key's verified-token cache
     */
    public record Limits(int maxVars, int maxVarsBytes, long verifiedCacheBytes) {
        public static final Limits DEFAULTS = new Limits(32, 4096, 32L << 20);
    }

    public TokenService(String sessionKey, long sessionLifetimeSec, String refreshKey, long refreshLifetimeSec) {
        this(new SigningKeys(sessionKey, java.util.List.of()), sessionLifetimeSec,
                new SigningKeys(refreshKey, java.util.List.of()), refreshLifetimeSec, Limits.DEFAULTS);
    }

    public TokenService(SigningKeys sessionKeys, long sessionLifetimeSec, SigningKeys refreshKeys, long refreshLifetimeSec,
                        Limits limits) {
        this.limits = limits;
        this.maxTokenChars = maxTokenChars(limits);
        this.session = new Signer(sessionKeys, sessionLifetimeSec, limits.verifiedCacheBytes(), maxTokenChars);
        this.refresh = new Signer(refreshKeys, refreshLifetimeSec, limits.verifiedCacheBytes(), maxTokenChars);
        this.sessionLifetimeSec = sessionLifetimeSec;
        this.refreshLifetimeSec = refreshLifetimeSec;
    }

    /**
     * The longest token this service can mint: every claim at its limit with its worst escaping.
     * Longer strings are refused before any parsing or verification, and the server checks at
     * start-up that a header can carry one.
     */
    private static int maxTokenChars(Limits limits) {
        int claims = "{\"tid\":\"\",\"uid\":\"\",\"usn\":\"\",\"vrs\":{},\"exp\":,\"iat\":}".length()
                + 36 + 36                    // token id and user id: UUIDs
                + 2 * MAX_USERNAME_BYTES     // a quote or backslash escapes to two bytes; other UTF-8 is as long as its bytes
                + 6 * limits.maxVars()       // "k":"v", per entry
                + limits.maxVarsBytes()
                + 2 * 20;                    // exp and iat: a long's digits and sign
        int payload = (claims + 2) / 3 * 4;
        return SigningKeys.HEADER_CHARS + 1 + payload + 1 + 43; // header.payload.signature (256 bits)
    }

    /** The longest token string this service mints. */
    public int maxTokenChars() {
        return maxTokenChars;
    }

    /** Refuses vars that are more than any session may carry (400). */
    public void checkVars(Map<String, String> vars) {
        if (vars.size() > limits.maxVars()) {
            throw io.guildhall.spi.ApiException.invalid("Too many session vars: at most " + limits.maxVars() + " are allowed.");
        }
        long bytes = 0;
        for (Map.Entry<String, String> var : vars.entrySet()) {
            bytes += encodedLength(var.getKey()) + encodedLength(var.getValue());
        }
        if (bytes > limits.maxVarsBytes()) {
            throw io.guildhall.spi.ApiException.invalid("Session vars are too large: at most " + limits.maxVarsBytes()
                    + " bytes are allowed.");
        }
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

    /**
     * A JSON string's contents in UTF-8. Written here rather than by Jackson's escaper, which throws
     * on an unpaired surrogate: nothing stored may make minting fail, so one becomes U+FFFD.
     */
    private static void string(ByteArrayBuilder out, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                out.write('\\');
                out.write(c);
            } else if (c < 0x20) {
                out.write('\\');
                out.write('u');
                out.write('0');
                out.write('0');
                out.write(HEX[c >> 4]);
                out.write(HEX[c & 0xf]);
            } else if (c < 0x80) {
                out.write(c);
            } else if (c < 0x800) {
                out.write(0xc0 | c >> 6);
                out.write(0x80 | c & 0x3f);
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, text.charAt(++i));
                out.write(0xf0 | cp >> 18);
                out.write(0x80 | cp >> 12 & 0x3f);
                out.write(0x80 | cp >> 6 & 0x3f);
                out.write(0x80 | cp & 0x3f);
            } else {
                int cp = Character.isSurrogate(c) ? 0xfffd : c;
                out.write(0xe0 | cp >> 12);
                out.write(0x80 | cp >> 6 & 0x3f);
                out.write(0x80 | cp & 0x3f);
            }
        }
    }

    /** The bytes {@link #string} writes for the text. */
    static int encodedLength(String text) {
        int length = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                length += 2;
            } else if (c < 0x20) {
                length += 6;
            } else if (c < 0x80) {
                length += 1;
            } else if (c < 0x800) {
                length += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                length += 4;
                i++;
            } else {
                length += 3;
            }
        }
        return length;
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

    /** Bytes the verified-token caches account for (both kinds of token). */
    long cachedBytes() {
        return session.cachedBytes() + refresh.cachedBytes();
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
        private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

        /** The current key's encoded header and its dot: the same for every token it signs. */
        private final byte[] headerDot;
        private final ThreadLocal<Mac> macs;
        /** A verifier per key id, current key first; tokens from before key ids try them all in order. */
        private final Map<String, JwtConsumer> byKid = new LinkedHashMap<>();
        private final int maxTokenChars;
        private final Cache<VerifiedKey, SessionToken> verified;

        /** @param lifetimeSec how long this signer's tokens live: no cached entry outlives its token longer */
        Signer(SigningKeys keys, long lifetimeSec, long cacheBytes, int maxTokenChars) {
            this.maxTokenChars = maxTokenChars;
            // A client sends the same token for its whole life; verifying it once is enough. Bounded
            // by weight, keyed by the exact token string, and no entry stays longer than one token
            // lifetime. A fixed expiry rather than one per token: with per-entry expiry Caffeine
            // records every read for its policy, which cost a third of a microsecond per request;
            // every hit is still checked against its token's own exp.
            this.verified = Caffeine.newBuilder()
                    .maximumWeight(cacheBytes)
                    .weigher((VerifiedKey key, SessionToken claims) -> weight(key, claims))
                    // Housekeeping on the calling thread: waking a pool thread for it costs more here.
                    .executor(Runnable::run)
                    .expireAfterWrite(Duration.ofSeconds(lifetimeSec))
                    .build();
            for (String secret : keys.all()) {
                byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
                if (bytes.length < MIN_KEY_BYTES) {
                    throw new IllegalArgumentException("key is " + bytes.length + " bytes; HS256 needs at least "
                            + MIN_KEY_BYTES + " bytes (256 bits)");
                }
                byKid.putIfAbsent(SigningKeys.kid(secret), new JwtConsumerBuilder()
                        .setRequireExpirationTime()
                        .setAllowedClockSkewInSeconds(0)
                        .setSkipDefaultAudienceValidation()
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

        long cachedBytes() {
            verified.cleanUp();
            return verified.policy().eviction().orElseThrow().weightedSize().orElseThrow();
        }

        /** Approximate bytes an entry holds: the token string, the claims and their strings. */
        private static int weight(VerifiedKey key, SessionToken claims) {
            long bytes = 200 + key.jwt().length() + 2L * claims.username().length();
            for (Map.Entry<String, String> var : claims.vars().entrySet()) {
                bytes += 100 + 2L * (var.getKey().length() + var.getValue().length());
            }
            return (int) Math.min(Integer.MAX_VALUE, bytes);
        }

        /**
         * The compact JWS serialization (RFC 7515) of the claims, signed HS256. Written with the
         * JDK's Mac and Base64 rather than jose4j, which took 12 us a token here (its own JSON
         * writer, base64 and a new Mac per call); jose4j still verifies every token we accept.
         */
        byte[] sign(byte[] claimsJson) {
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

        SessionToken verify(String jwt) {
            // Longer than anything we mint: not ours, and not worth parsing or caching.
            if (jwt == null || jwt.isEmpty() || jwt.length() > maxTokenChars) {
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
            String kid = kid(jwt);
            if (kid != null) {
                JwtConsumer consumer = byKid.get(kid);
                return consumer == null ? null : verifyWith(consumer, jwt);
            }
            // minted before tokens named their key: any key we still hold may have signed it
            for (JwtConsumer consumer : byKid.values()) {
                SessionToken claims = verifyWith(consumer, jwt);
                if (claims != null) {
                    return claims;
                }
            }
            return null;
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

        private static SessionToken verifyWith(JwtConsumer consumer, String jwt) {
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
