package io.guildhall.runtime.social;

import io.guildhall.runtime.testing.PlatformStandIn;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;

import java.security.Key;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Apple's JWKS endpoint on 127.0.0.1 with RSA keys generated here, and identity tokens minted with
 * them: what a test (or the SDK test) needs to sign players in with Apple against a real server.
 * Start the server with {@link #serverFlags()}.
 */
public final class AppleStandIn implements AutoCloseable {
    public static final String JWKS_PATH = "/auth/keys";
    public static final String ISSUER = "https://appleid.apple.com";
    public static final String BUNDLE_ID = "com.example.guildhall";
    public static final String SERVICES_ID = "com.example.guildhall.web";

    private final PlatformStandIn platform = PlatformStandIn.start();
    private final Map<String, RsaJsonWebKey> published = new LinkedHashMap<>();
    private final Clock clock;

    private AppleStandIn(Clock clock) {
        this.clock = clock;
        publish(newKey("apple-key-1"));
        platform.route(JWKS_PATH, request -> PlatformStandIn.Reply.json(jwks()));
    }

    /** A stand-in publishing one key, {@code apple-key-1}; tokens expire relative to {@code clock}. */
    public static AppleStandIn start(Clock clock) {
        return new AppleStandIn(clock);
    }

    /** The flags that point a server at this stand-in, with both test audiences configured. */
    public String[] serverFlags() {
        return new String[]{"--social.apple.bundle_id=" + BUNDLE_ID + "," + SERVICES_ID,
                "--social.apple.jwks_url=" + platform.url(JWKS_PATH)};
    }

    public PlatformStandIn platform() {
        return platform;
    }

    public int jwksFetches() {
        return platform.hits(JWKS_PATH);
    }

    /** A fresh RS256 key, not published. */
    public static RsaJsonWebKey newKey(String kid) {
        try {
            RsaJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
            key.setKeyId(kid);
            key.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
            key.setUse("sig");
            return key;
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Adds the key to the JWKS (a rotation, when its kid is new). */
    public synchronized RsaJsonWebKey publish(RsaJsonWebKey key) {
        published.put(key.getKeyId(), key);
        return key;
    }

    /** The published key with this id. */
    public synchronized RsaJsonWebKey key(String kid) {
        return published.get(kid);
    }

    synchronized String jwks() {
        return published.values().stream().map(k -> k.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY))
                .collect(Collectors.joining(",", "{\"keys\":[", "]}"));
    }

    /** A valid token for {@code sub}, signed with {@code apple-key-1}. */
    public String token(String sub) {
        return tokenFor(sub).sign();
    }

    /** A token being built: valid by default, each part replaceable to test a failing check. */
    public Token tokenFor(String sub) {
        return new Token(sub);
    }

    public final class Token {
        private final JwtClaims claims = new JwtClaims();
        private RsaJsonWebKey signer = key("apple-key-1");
        private String kid;
        private String alg = AlgorithmIdentifiers.RSA_USING_SHA256;
        private Key signingKey;

        private Token(String sub) {
            claims.setIssuer(ISSUER);
            claims.setAudience(BUNDLE_ID);
            claims.setSubject(sub);
            claims.setIssuedAt(NumericDate.fromMilliseconds(clock.millis()));
            claims.setExpirationTime(NumericDate.fromMilliseconds(clock.millis() + Duration.ofMinutes(10).toMillis()));
        }

        public Token issuer(String issuer) {
            claims.setIssuer(issuer);
            return this;
        }

        public Token audience(String audience) {
            claims.setAudience(audience);
            return this;
        }

        /** Expiry relative to the stand-in's clock; null leaves the claim out. */
        public Token expiresIn(Duration fromNow) {
            if (fromNow == null) {
                claims.unsetClaim("exp");
            } else {
                claims.setExpirationTime(NumericDate.fromMilliseconds(clock.millis() + fromNow.toMillis()));
            }
            return this;
        }

        public Token email(String email, Object verified) {
            claims.setClaim("email", email);
            if (verified != null) {
                claims.setClaim("email_verified", verified);
            }
            return this;
        }

        /** Signs with this key (its kid goes in the header unless {@link #kid} says otherwise). */
        public Token signedBy(RsaJsonWebKey key) {
            this.signer = key;
            return this;
        }

        public Token kid(String kid) {
            this.kid = kid;
            return this;
        }

        /** Another header algorithm, signed with {@code key} (e.g. HS256 with the public key's bytes). */
        public Token algorithm(String alg, Key key) {
            this.alg = alg;
            this.signingKey = key;
            return this;
        }

        /** HS256 keyed with the encoded public key: the classic algorithm-confusion forgery. */
        public Token hs256WithPublicKeyBytes() {
            return algorithm(AlgorithmIdentifiers.HMAC_SHA256, new HmacKey(signer.getPublicKey().getEncoded()));
        }

        public String sign() {
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(claims.toJson());
            jws.setAlgorithmHeaderValue(alg);
            jws.setKeyIdHeaderValue(kid != null ? kid : signer.getKeyId());
            if (!AlgorithmIdentifiers.NONE.equals(alg)) {
                jws.setKey(signingKey != null ? signingKey : signer.getPrivateKey());
            }
            jws.setDoKeyValidation(false);
            jws.setAlgorithmConstraints(AlgorithmConstraints.NO_CONSTRAINTS); // tests forge "none" too
            try {
                return jws.getCompactSerialization();
            } catch (JoseException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public void close() {
        platform.close();
    }
}
