package io.guildhall.runtime.session;

import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;

import java.nio.charset.StandardCharsets;
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

    /** One kind of token: its keys, and the tokens of that kind already verified. */
    private static final class Signer {
        private final Hs256 keys;
        private final VerifiedTokens<SessionToken> verified;

        /** @param lifetimeSec how long this signer's tokens live: no cached entry outlives its token longer */
        Signer(SigningKeys keys, long lifetimeSec, long cacheBytes, int maxTokenChars) {
            this.keys = new Hs256(keys, maxTokenChars);
            this.verified = new VerifiedTokens<>(cacheBytes, lifetimeSec, Signer::claimsBytes);
        }

        long cachedBytes() {
            return verified.bytes();
        }

        /** Approximate bytes the claims' strings hold. */
        private static long claimsBytes(SessionToken claims) {
            long bytes = 2L * claims.username().length();
            for (Map.Entry<String, String> var : claims.vars().entrySet()) {
                bytes += 100 + 2L * (var.getKey().length() + var.getValue().length());
            }
            return bytes;
        }

        byte[] sign(byte[] claimsJson) {
            return keys.signBytes(claimsJson);
        }

        SessionToken verify(String jwt) {
            if (jwt == null || jwt.isEmpty()) {
                return null;
            }
            long now = System.currentTimeMillis() / 1000;
            SessionToken cached = verified.get(jwt);
            if (cached != null) {
                return now < cached.expiresAt() ? cached : null;
            }
            SessionToken claims = claims(keys.verify(jwt, now));
            if (claims != null) {
                verified.put(jwt, claims);
            }
            return claims;
        }

        private static SessionToken claims(JwtClaims claims) {
            if (claims == null) {
                return null;
            }
            try {
                UUID userId = UUID.fromString(claims.getStringClaimValue("uid"));
                String tokenId = claims.getStringClaimValue("tid");
                String username = claims.getStringClaimValue("usn");
                NumericDate issuedAt = claims.getIssuedAt();
                return new SessionToken(tokenId == null ? "" : tokenId, userId, username == null ? "" : username,
                        vars(claims), claims.getExpirationTime().getValue(), issuedAt == null ? 0 : issuedAt.getValue());
            } catch (MalformedClaimException | IllegalArgumentException | NullPointerException e) {
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
