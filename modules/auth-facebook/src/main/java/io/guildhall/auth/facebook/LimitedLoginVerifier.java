package io.guildhall.auth.facebook;

import io.guildhall.spi.KeySets;
import io.guildhall.spi.OutboundHttp;
import io.guildhall.spi.Profile;
import io.guildhall.spi.Proof;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.lang.JoseException;
import org.jose4j.lang.UnresolvableKeyException;

import java.io.IOException;
import java.net.URI;
import java.security.Key;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Facebook Limited Login: an OIDC ID token signed with RS256 by a key from Facebook's JWKS. Checks
 * the key id and algorithm against the published key, the signature, the issuer, that the audience
 * is this game's app id (Nakama skips that), and that the token has an expiry that has not passed.
 */
final class LimitedLoginVerifier {
    static final String[] ISSUERS = {"https://www.facebook.com", "https://facebook.com"};
    private static final String RS256 = AlgorithmIdentifiers.RSA_USING_SHA256;
    // Tolerates small clock differences with Facebook on exp and nbf; tokens live for hours.
    private static final int CLOCK_SKEW_SEC = 30;
    private static final int MAX_KEY_ID_CHARS = 256;
    /** One parser for every Limited Login JWKS, so the shared cache keeps one entry per URL. */
    private static final KeySets.Parser<PublicJsonWebKey> JWKS = LimitedLoginVerifier::parseJwks;
    private static final Map<Integer, String> REASONS = Map.of(
            ErrorCodes.EXPIRED, "expired",
            ErrorCodes.EXPIRATION_MISSING, "no exp",
            ErrorCodes.AUDIENCE_INVALID, "audience is not the app id",
            ErrorCodes.AUDIENCE_MISSING, "no aud",
            ErrorCodes.ISSUER_INVALID, "issuer is not Facebook",
            ErrorCodes.ISSUER_MISSING, "no iss",
            ErrorCodes.SIGNATURE_INVALID, "bad signature",
            ErrorCodes.SUBJECT_MISSING, "no sub",
            ErrorCodes.NOT_YET_VALID, "not yet valid",
            ErrorCodes.MALFORMED_CLAIM, "malformed claim");

    private final KeySets keySets;
    private final URI jwksUrl;
    private final String appId;
    private final Clock clock;

    LimitedLoginVerifier(KeySets keySets, URI jwksUrl, String appId, Clock clock) {
        this.keySets = keySets;
        this.jwksUrl = jwksUrl;
        this.appId = appId;
        this.clock = clock;
    }

    /** A compact JWS has three parts; a classic Graph access token has no dots at all. */
    static boolean looksLikeJwt(String token) {
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        return second > 0 && token.indexOf('.', second + 1) < 0;
    }

    Proof verify(String token) throws Refused {
        JwtConsumer consumer = new JwtConsumerBuilder()
                .setEvaluationTime(NumericDate.fromMilliseconds(clock.millis()))
                .setAllowedClockSkewInSeconds(CLOCK_SKEW_SEC)
                .setRequireExpirationTime()
                .setRequireSubject()
                .setExpectedIssuers(true, ISSUERS)
                .setExpectedAudience(appId)
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, RS256)
                .setVerificationKeyResolver(this::resolveKey)
                .build();
        JwtClaims claims;
        String subject;
        try {
            claims = consumer.processToClaims(token);
            subject = claims.getSubject();
        } catch (InvalidJwtException | org.jose4j.jwt.MalformedClaimException e) {
            throw new Refused("Limited Login token refused: " + reason(e));
        }
        FacebookIds.check(subject);
        Object email = claims.getClaimValue("email");
        Profile profile = new Profile(string(claims, "name"), string(claims, "picture"), string(claims, "email"),
                // Limited Login does not say whether the email is confirmed; import it only if it ever does.
                email instanceof String && verified(claims.getClaimValue("email_verified")));
        return Proof.of(subject).profile(profile);
    }

    /** The published key named by the token's kid, for RS256 only (the header's alg must be the key's). */
    private Key resolveKey(JsonWebSignature jws, List<JsonWebStructure> nesting) throws UnresolvableKeyException {
        if (!RS256.equals(jws.getAlgorithmHeaderValue())) {
            throw new UnresolvableKeyException("alg " + jws.getAlgorithmHeaderValue() + " is not RS256");
        }
        String keyId = jws.getKeyIdHeaderValue();
        if (keyId == null || keyId.isEmpty() || keyId.length() > MAX_KEY_ID_CHARS) {
            throw new UnresolvableKeyException("no usable kid in the header");
        }
        PublicJsonWebKey key;
        try {
            key = keySets.key(jwksUrl, JWKS, keyId);
        } catch (IOException e) {
            throw new UnresolvableKeyException("Facebook's keys are unavailable (" + e.getMessage() + ")");
        }
        if (key == null) {
            throw new UnresolvableKeyException("no published key has the token's kid");
        }
        return key.getPublicKey();
    }

    /** Keeps the RSA signing keys published for RS256, by key id. */
    private static KeySets.Parsed<PublicJsonWebKey> parseJwks(OutboundHttp.Response response) throws JoseException {
        Map<String, PublicJsonWebKey> keys = new HashMap<>();
        for (JsonWebKey key : new JsonWebKeySet(response.text()).getJsonWebKeys()) {
            if (key instanceof RsaJsonWebKey rsa && key.getKeyId() != null && RS256.equals(key.getAlgorithm())
                    && (key.getUse() == null || "sig".equals(key.getUse()))) {
                keys.putIfAbsent(key.getKeyId(), rsa);
            }
        }
        if (keys.isEmpty()) {
            throw new JoseException("the JWKS has no RS256 signing key");
        }
        return KeySets.Parsed.of(keys);
    }

    private static String string(JwtClaims claims, String name) {
        return claims.getClaimValue(name) instanceof String value && !value.isEmpty() ? value : null;
    }

    private static boolean verified(Object claim) {
        return Boolean.TRUE.equals(claim) || "true".equals(claim);
    }

    /**
     * Why jose4j refused the token, by error code: its messages quote the token's claims (name,
     * email), which do not belong in the log.
     */
    private static String reason(Exception e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof UnresolvableKeyException) {
                return cause.getMessage();
            }
        }
        if (e instanceof InvalidJwtException invalid && !invalid.getErrorDetails().isEmpty()) {
            return invalid.getErrorDetails().stream()
                    .map(detail -> REASONS.getOrDefault(detail.getErrorCode(), "error " + detail.getErrorCode()))
                    .collect(Collectors.joining(", "));
        }
        return e.getClass().getSimpleName();
    }
}
