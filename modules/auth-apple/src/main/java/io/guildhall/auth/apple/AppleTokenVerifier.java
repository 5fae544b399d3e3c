package io.guildhall.auth.apple;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.guildhall.auth.apple.AppleKeys.AppleKey;
import io.guildhall.spi.Crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * Checks an Apple identity token: a compact JWS whose header says RS256 (and no critical
 * extensions), signed by the Apple key its {@code kid} names, that key itself published for RS256;
 * then {@code iss} exactly Apple, {@code aud} one of our bundle or services ids, {@code exp}
 * present and not passed by the server's clock, {@code nbf} (if any) passed, {@code sub} present.
 *
 * <p>Written against the server's {@link Crypto} (native RSA where available) and Jackson rather
 * than jose4j's consumer: this check runs on every Apple sign-in, and jose4j's general-purpose path
 * (its own JSON parser and base64, validators built per call, the JDK's RSA) cost about twice as
 * much. The signature is verified before any claim is read.
 */
final class AppleTokenVerifier {
    static final String ISSUER = "https://appleid.apple.com";
    static final String RS256 = "RS256";
    /** Apple identity tokens are about 1 KB; anything far larger is not one. */
    static final int MAX_TOKEN_CHARS = 8192;
    /** Nakama's apple_id column holds 128 characters; Apple's ids are about 44. */
    static final int MAX_SUBJECT_CHARS = 128;
    private static final ObjectReader JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).reader();
    private static final Base64.Decoder BASE64URL = Base64.getUrlDecoder();

    /** Finds a published key by id (refetching once for an unknown id); null when there is none. */
    @FunctionalInterface
    interface KeyLookup {
        AppleKey find(String keyId) throws IOException;
    }

    /** What a verified token says about the player. */
    record AppleIdentity(String subject, String email, boolean emailVerified) {
    }

    /** A token that did not verify; the reason is for the debug log only, never for the client. */
    static final class Rejected extends Exception {
        Rejected(String reason) {
            super(reason, null, false, false);
        }
    }

    /** Thrown by a {@link KeyLookup} that answers only from the cache, when the key is not there. */
    static final class NotCached extends IOException {
        NotCached() {
            super("not cached", null);
        }
    }

    /** The key was not cached: the token can be checked, but only after a fetch. */
    static final class KeyNotCached extends Exception {
        KeyNotCached() {
            super("key not cached", null, false, false);
        }
    }

    private final Set<String> audiences;
    private final KeyLookup keys;
    private final Crypto crypto;
    private final Clock clock;

    AppleTokenVerifier(List<String> audiences, KeyLookup keys, Crypto crypto, Clock clock) {
        this.audiences = Set.copyOf(audiences);
        this.keys = keys;
        this.crypto = crypto;
        this.clock = clock;
    }

    AppleIdentity verify(String token) throws Rejected {
        try {
            return verify(token, keys);
        } catch (KeyNotCached e) {
            throw new Rejected("key lookup answered from the cache only");
        }
    }

    /** Checks the token with keys from {@code lookup}; a lookup that throws {@link NotCached} defers. */
    AppleIdentity verify(String token, KeyLookup lookup) throws Rejected, KeyNotCached {
        if (token.length() > MAX_TOKEN_CHARS) {
            throw new Rejected("token longer than " + MAX_TOKEN_CHARS + " characters");
        }
        if (audiences.isEmpty()) {
            throw new Rejected("social.apple.bundle_id is not set, so no audience can match");
        }
        int headerEnd = token.indexOf('.');
        int payloadEnd = token.indexOf('.', headerEnd + 1);
        if (headerEnd <= 0 || payloadEnd < 0 || token.indexOf('.', payloadEnd + 1) >= 0) {
            throw new Rejected("not a compact JWS");
        }
        JsonNode header = json(decode(token, 0, headerEnd));
        AppleKey key = signingKey(header, lookup);
        byte[] payload = decode(token, headerEnd + 1, payloadEnd);
        byte[] signature = decode(token, payloadEnd + 1, token.length());
        if (!signed(key, token.substring(0, payloadEnd).getBytes(StandardCharsets.US_ASCII), signature)) {
            throw new Rejected("bad signature");
        }
        JsonNode claims = json(payload);
        checkClaims(claims);
        return new AppleIdentity(claims.get("sub").textValue(), email(claims.get("email")), verified(claims.get("email_verified")));
    }

    /** The key the header names, pinned to RS256 on both sides before any lookup. */
    private static AppleKey signingKey(JsonNode header, KeyLookup keys) throws Rejected, KeyNotCached {
        String algorithm = text(header, "alg");
        if (!RS256.equals(algorithm)) {
            throw new Rejected("alg " + algorithm + " is not RS256");
        }
        if (header.has("crit")) {
            throw new Rejected("critical header extensions are not understood");
        }
        String keyId = text(header, "kid");
        if (keyId == null || keyId.isEmpty()) {
            throw new Rejected("no kid in the header");
        }
        AppleKey key;
        try {
            key = keys.find(keyId);
        } catch (NotCached e) {
            throw new KeyNotCached();
        } catch (IOException e) {
            throw new Rejected("Apple's keys are unavailable: " + e.getMessage());
        }
        if (key == null) {
            throw new Rejected("no Apple key with kid " + keyId);
        }
        if (!algorithm.equals(key.algorithm())) {
            throw new Rejected("key " + keyId + " is for " + key.algorithm() + ", not " + algorithm);
        }
        return key;
    }

    private boolean signed(AppleKey key, byte[] signingInput, byte[] signature) throws Rejected {
        try {
            Signature rsa = crypto.signature("SHA256withRSA");
            rsa.initVerify(key.publicKey());
            rsa.update(signingInput);
            return rsa.verify(signature);
        } catch (GeneralSecurityException e) {
            throw new Rejected("signature check failed: " + e.getMessage());
        }
    }

    private void checkClaims(JsonNode claims) throws Rejected {
        if (!ISSUER.equals(text(claims, "iss"))) {
            throw new Rejected("iss is " + text(claims, "iss"));
        }
        if (!audienceMatches(claims.get("aud"))) {
            throw new Rejected("aud is not a configured bundle or services id");
        }
        long now = clock.millis();
        JsonNode exp = claims.get("exp");
        if (exp == null || !exp.isNumber()) {
            throw new Rejected("no exp");
        }
        if (now >= exp.asDouble() * 1000) {
            throw new Rejected("expired");
        }
        JsonNode nbf = claims.get("nbf");
        if (nbf != null && (!nbf.isNumber() || now < nbf.asDouble() * 1000)) {
            throw new Rejected("not valid yet");
        }
        String sub = text(claims, "sub");
        if (sub == null || sub.isEmpty() || sub.length() > MAX_SUBJECT_CHARS || hasControl(sub)) {
            throw new Rejected("sub missing, over " + MAX_SUBJECT_CHARS + " characters or with control characters");
        }
    }

    /** {@code aud} is a string or an array of strings; one of them must be ours. */
    private boolean audienceMatches(JsonNode aud) {
        if (aud == null) {
            return false;
        }
        if (aud.isTextual()) {
            return audiences.contains(aud.textValue());
        }
        if (aud.isArray()) {
            for (JsonNode one : aud) {
                if (one.isTextual() && audiences.contains(one.textValue())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static byte[] decode(String token, int from, int to) throws Rejected {
        try {
            return BASE64URL.decode(token.substring(from, to));
        } catch (IllegalArgumentException e) {
            throw new Rejected("not base64url");
        }
    }

    private static JsonNode json(byte[] bytes) throws Rejected {
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new Rejected("not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new Rejected("not JSON");
        }
    }

    private static String text(JsonNode object, String name) {
        JsonNode value = object.get(name);
        return value != null && value.isTextual() ? value.textValue() : null;
    }

    private static boolean hasControl(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < 0x20 || text.charAt(i) == 0x7f) {
                return true;
            }
        }
        return false;
    }

    /** The email claim, when it is a plausible address (no whitespace or control characters, at most 255 characters). */
    private static String email(JsonNode claim) {
        if (claim == null || !claim.isTextual() || claim.textValue().isEmpty() || claim.textValue().length() > 255) {
            return null;
        }
        String email = claim.textValue();
        return email.indexOf(' ') >= 0 || hasControl(email) ? null : email;
    }

    /** Apple sends {@code email_verified} as a boolean or as the string "true"/"false". */
    static boolean verified(JsonNode claim) {
        return claim != null && (claim.isBoolean() && claim.booleanValue()
                || claim.isTextual() && claim.textValue().equalsIgnoreCase("true"));
    }
}
