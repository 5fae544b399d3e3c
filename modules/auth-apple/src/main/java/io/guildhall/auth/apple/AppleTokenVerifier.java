package io.guildhall.auth.apple;

import io.guildhall.auth.apple.AppleKeys.AppleKey;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.ErrorCodeValidator;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.lang.UnresolvableKeyException;

import java.io.IOException;
import java.security.Key;
import java.time.Clock;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Checks an Apple identity token: RS256 only, signed by the Apple key its {@code kid} names (whose
 * own {@code alg} must be RS256 too), issued by Apple, for one of our bundle or services ids, with
 * an expiry that has not passed by the server's clock.
 */
final class AppleTokenVerifier {
    static final String ISSUER = "https://appleid.apple.com";
    /** Apple identity tokens are about 1 KB; anything far larger is not one. */
    static final int MAX_TOKEN_CHARS = 8192;

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

    private final String[] audiences;
    private final KeyLookup keys;
    private final Clock clock;

    AppleTokenVerifier(List<String> audiences, KeyLookup keys, Clock clock) {
        this.audiences = audiences.toArray(String[]::new);
        this.keys = keys;
        this.clock = clock;
    }

    AppleIdentity verify(String token) throws Rejected {
        if (token.length() > MAX_TOKEN_CHARS) {
            throw new Rejected("token longer than " + MAX_TOKEN_CHARS + " characters");
        }
        if (audiences.length == 0) {
            throw new Rejected("social.apple.bundle_id is not set, so no audience can match");
        }
        try {
            JwtClaims claims = new JwtConsumerBuilder()
                    .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.RSA_USING_SHA256)
                    .setVerificationKeyResolver(this::resolve)
                    .setExpectedIssuer(true, ISSUER)
                    .setExpectedAudience(true, audiences)
                    .setRequireExpirationTime()
                    .setRequireSubject()
                    .setEvaluationTime(NumericDate.fromMilliseconds(clock.millis()))
                    .build()
                    .processToClaims(token);
            return new AppleIdentity(claims.getSubject(), email(claims), verified(claims.getClaimValue("email_verified")));
        } catch (InvalidJwtException e) {
            throw new Rejected(e.getErrorDetails().stream().map(ErrorCodeValidator.Error::getErrorMessage)
                    .collect(Collectors.joining("; ")));
        } catch (MalformedClaimException e) {
            throw new Rejected(e.getMessage());
        }
    }

    /** The key the header names, pinned to RS256 on both sides before any lookup. */
    private Key resolve(JsonWebSignature jws, List<JsonWebStructure> nesting) throws UnresolvableKeyException {
        String algorithm = jws.getAlgorithmHeaderValue();
        String keyId = jws.getKeyIdHeaderValue();
        if (!AlgorithmIdentifiers.RSA_USING_SHA256.equals(algorithm)) {
            throw new UnresolvableKeyException("alg " + algorithm + " is not RS256");
        }
        if (keyId == null || keyId.isEmpty()) {
            throw new UnresolvableKeyException("no kid in the header");
        }
        AppleKey key;
        try {
            key = keys.find(keyId);
        } catch (IOException e) {
            throw new UnresolvableKeyException("Apple's keys are unavailable: " + e.getMessage());
        }
        if (key == null) {
            throw new UnresolvableKeyException("no Apple key with kid " + keyId);
        }
        if (!algorithm.equals(key.algorithm())) {
            throw new UnresolvableKeyException("key " + keyId + " is for " + key.algorithm() + ", not " + algorithm);
        }
        return key.publicKey();
    }

    /** The email claim, when it is a plausible address (no whitespace or control characters, at most 255 bytes). */
    private static String email(JwtClaims claims) {
        if (!(claims.getClaimValue("email") instanceof String email) || email.isEmpty() || email.length() > 255) {
            return null;
        }
        for (int i = 0; i < email.length(); i++) {
            if (email.charAt(i) <= 0x20 || email.charAt(i) == 0x7f) {
                return null;
            }
        }
        return email;
    }

    /** Apple sends {@code email_verified} as a boolean or as the string "true"/"false". */
    static boolean verified(Object claim) {
        return Boolean.TRUE.equals(claim) || claim instanceof String text && text.equalsIgnoreCase("true");
    }
}
