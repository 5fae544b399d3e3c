package io.guildhall.auth.google;

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
import java.security.PublicKey;
import java.time.Clock;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Checks a Google ID token: RS256 only, signed by the Google certificate its {@code kid} names,
 * issued by {@code accounts.google.com} (either spelling), for one of our OAuth client ids, with an
 * expiry that has not passed by the server's clock.
 */
final class GoogleIdTokenVerifier {
    static final String[] ISSUERS = {"https://accounts.google.com", "accounts.google.com"};

    /** Finds a certificate's key by id (refetching once for an unknown id); null when there is none. */
    @FunctionalInterface
    interface KeyLookup {
        PublicKey find(String keyId) throws IOException;
    }

    private final String[] clientIds;
    private final KeyLookup keys;
    private final Clock clock;

    GoogleIdTokenVerifier(List<String> clientIds, KeyLookup keys, Clock clock) {
        this.clientIds = clientIds.toArray(String[]::new);
        this.keys = keys;
        this.clock = clock;
    }

    GoogleIdentity verify(String token) throws Rejected {
        if (clientIds.length == 0) {
            throw new Rejected("google_auth.client_ids is not set, so no audience can match");
        }
        try {
            JwtClaims claims = new JwtConsumerBuilder()
                    .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.RSA_USING_SHA256)
                    .setVerificationKeyResolver(this::resolve)
                    .setExpectedIssuers(true, ISSUERS)
                    .setExpectedAudience(true, clientIds)
                    .setRequireExpirationTime()
                    .setRequireSubject()
                    .setEvaluationTime(NumericDate.fromMilliseconds(clock.millis()))
                    .build()
                    .processToClaims(token);
            Profiles.Email email = Profiles.email(claims.getClaimValue("email"), claims.getClaimValue("email_verified"));
            return new GoogleIdentity(claims.getSubject(), Profiles.text(claims.getClaimValue("name")),
                    Profiles.text(claims.getClaimValue("picture")), email.address(), email.verified(), null);
        } catch (InvalidJwtException e) {
            throw new Rejected(e.getErrorDetails().stream().map(ErrorCodeValidator.Error::getErrorMessage)
                    .collect(Collectors.joining("; ")));
        } catch (MalformedClaimException e) {
            throw new Rejected(e.getMessage());
        }
    }

    /** The key the header names; the header must say RS256 before any lookup. */
    private Key resolve(JsonWebSignature jws, List<JsonWebStructure> nesting) throws UnresolvableKeyException {
        String algorithm = jws.getAlgorithmHeaderValue();
        String keyId = jws.getKeyIdHeaderValue();
        if (!AlgorithmIdentifiers.RSA_USING_SHA256.equals(algorithm)) {
            throw new UnresolvableKeyException("alg " + algorithm + " is not RS256");
        }
        if (keyId == null || keyId.isEmpty()) {
            throw new UnresolvableKeyException("no kid in the header");
        }
        PublicKey key;
        try {
            key = keys.find(keyId);
        } catch (IOException e) {
            throw new UnresolvableKeyException("Google's certificates are unavailable: " + e.getMessage());
        }
        if (key == null) {
            throw new UnresolvableKeyException("no Google certificate with kid " + keyId);
        }
        return key;
    }
}
