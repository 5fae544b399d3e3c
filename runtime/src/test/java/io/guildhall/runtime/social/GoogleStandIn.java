package io.guildhall.runtime.social;

import io.guildhall.runtime.testing.ApiClient;
import io.guildhall.runtime.testing.PlatformStandIn;
import io.guildhall.runtime.testing.PlatformStandIn.Reply;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Google on 127.0.0.1: the certificate map (kid to PEM X.509, certificates generated here), the
 * OAuth token endpoint and the Play Games players endpoint; plus ID tokens and server auth codes
 * minted for a test. Start the server with {@link #serverFlags()}.
 */
public final class GoogleStandIn implements AutoCloseable {
    public static final String CERTS_PATH = "/oauth2/v1/certs";
    public static final String TOKEN_PATH = "/token";
    public static final String PLAYERS_PATH = "/games/v1/players/me";
    public static final String CLIENT_ID = "1234-web.apps.googleusercontent.com";
    public static final String ANDROID_CLIENT_ID = "1234-android.apps.googleusercontent.com";
    public static final String OAUTH_CLIENT_ID = "1234-server.apps.googleusercontent.com";
    public static final String OAUTH_CLIENT_SECRET = "stand-in-client-secret";
    /** The OAuth client JSON as Google Cloud Console downloads it, for {@code google_auth.credentials_json}. */
    public static final String CREDENTIALS_JSON = "{\"web\":{\"client_id\":\"" + OAUTH_CLIENT_ID
            + "\",\"project_id\":\"guildhall-test\",\"auth_uri\":\"https://accounts.google.com/o/oauth2/auth\","
            + "\"token_uri\":\"https://oauth2.googleapis.com/token\",\"client_secret\":\"" + OAUTH_CLIENT_SECRET + "\"}}";

    /** A signing key and the certificate Google publishes for it. */
    public record Certificate(String kid, KeyPair keys, X509Certificate x509, String pem) {
    }

    private final PlatformStandIn platform = PlatformStandIn.start();
    private final Clock clock;
    private final Map<String, String> published = new LinkedHashMap<>();
    private final Map<String, String> certsHeaders = new ConcurrentHashMap<>();
    private final Map<String, String> accessTokens = new ConcurrentHashMap<>();
    private final Map<String, String> players = new ConcurrentHashMap<>();
    private final AtomicLong serial = new AtomicLong(1);
    private final Certificate first;

    private GoogleStandIn(Clock clock) {
        this.clock = clock;
        this.first = publish(certificate("google-key-1", Duration.ofDays(14)));
        platform.route(CERTS_PATH, request -> Reply.json(certificateMap(), certsHeaders));
        platform.route(TOKEN_PATH, this::token);
        platform.route(PLAYERS_PATH, this::player);
    }

    /** Publishes {@code google-key-1}, valid for two weeks by {@code clock}. */
    public static GoogleStandIn start(Clock clock) {
        return new GoogleStandIn(clock);
    }

    /** Flags for both the ID-token path (two client ids) and the Play Games path. */
    public String[] serverFlags() {
        return new String[]{"--google_auth.client_ids=" + CLIENT_ID + "," + ANDROID_CLIENT_ID,
                "--google_auth.certs_url=" + platform.url(CERTS_PATH),
                "--google_auth.credentials_json=" + CREDENTIALS_JSON,
                "--google_auth.token_url=" + platform.url(TOKEN_PATH),
                "--google_auth.players_url=" + platform.url(PLAYERS_PATH)};
    }

    public PlatformStandIn platform() {
        return platform;
    }

    public int certsFetches() {
        return platform.hits(CERTS_PATH);
    }

    public Certificate firstCertificate() {
        return first;
    }

    /** Headers the certificate map is served with (e.g. Cache-Control). */
    public void certsHeaders(Map<String, String> headers) {
        certsHeaders.clear();
        certsHeaders.putAll(headers);
    }

    /** A new RSA key and a self-signed certificate for it, valid from an hour ago for {@code validity}. */
    public Certificate certificate(String kid, Duration validity) {
        Instant now = clock.instant();
        return certificate(kid, now.minus(Duration.ofHours(1)), now.plus(validity));
    }

    public Certificate certificate(String kid, Instant notBefore, Instant notAfter) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair keys = generator.generateKeyPair();
            X500Name name = new X500Name("CN=google-stand-in, OU=" + serial.get());
            X509Certificate x509 = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                    name, BigInteger.valueOf(serial.getAndIncrement()), Date.from(notBefore), Date.from(notAfter), name, keys.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
            String pem = "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(x509.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
            return new Certificate(kid, keys, x509, pem);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public synchronized Certificate publish(Certificate certificate) {
        published.put(certificate.kid(), certificate.pem());
        return certificate;
    }

    /** Puts any text under a kid of the map (e.g. something that is not a certificate). */
    public synchronized void publishRaw(String kid, String text) {
        published.put(kid, text);
    }

    public synchronized void withdraw(String kid) {
        published.remove(kid);
    }

    synchronized String certificateMap() {
        return ApiClient.json(published);
    }

    /** A valid ID token for {@code sub}, signed with {@code google-key-1}. */
    public String idToken(String sub) {
        return idTokenFor(sub).sign();
    }

    public IdToken idTokenFor(String sub) {
        return new IdToken(sub);
    }

    /** An ID token being built: valid by default, each part replaceable to test a failing check. */
    public final class IdToken {
        private final JwtClaims claims = new JwtClaims();
        private Certificate signer = first;
        private String alg = AlgorithmIdentifiers.RSA_USING_SHA256;
        private Key signingKey;

        private IdToken(String sub) {
            claims.setIssuer("https://accounts.google.com");
            claims.setAudience(CLIENT_ID);
            claims.setClaim("azp", CLIENT_ID);
            claims.setSubject(sub);
            claims.setIssuedAt(NumericDate.fromMilliseconds(clock.millis()));
            claims.setExpirationTime(NumericDate.fromMilliseconds(clock.millis() + Duration.ofHours(1).toMillis()));
        }

        public IdToken issuer(String issuer) {
            claims.setIssuer(issuer);
            return this;
        }

        public IdToken audience(String audience) {
            claims.setAudience(audience);
            return this;
        }

        /** Expiry relative to the stand-in's clock; null leaves the claim out. */
        public IdToken expiresIn(Duration fromNow) {
            if (fromNow == null) {
                claims.unsetClaim("exp");
            } else {
                claims.setExpirationTime(NumericDate.fromMilliseconds(clock.millis() + fromNow.toMillis()));
            }
            return this;
        }

        public IdToken profile(String name, String picture) {
            claims.setClaim("name", name);
            claims.setClaim("picture", picture);
            return this;
        }

        public IdToken email(String email, Object verified) {
            claims.setClaim("email", email);
            if (verified != null) {
                claims.setClaim("email_verified", verified);
            }
            return this;
        }

        public IdToken signedBy(Certificate certificate) {
            this.signer = certificate;
            return this;
        }

        public IdToken algorithm(String alg, Key key) {
            this.alg = alg;
            this.signingKey = key;
            return this;
        }

        /** HS256 keyed with the certificate's encoded public key: the algorithm-confusion forgery. */
        public IdToken hs256WithPublicKeyBytes() {
            return algorithm(AlgorithmIdentifiers.HMAC_SHA256, new HmacKey(signer.keys().getPublic().getEncoded()));
        }

        public String sign() {
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(claims.toJson());
            jws.setAlgorithmHeaderValue(alg);
            jws.setKeyIdHeaderValue(signer.kid());
            jws.setKey(signingKey != null ? signingKey : signer.keys().getPrivate());
            jws.setDoKeyValidation(false);
            jws.setAlgorithmConstraints(AlgorithmConstraints.NO_CONSTRAINTS);
            try {
                return jws.getCompactSerialization();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * A Play Games server auth code that the token endpoint exchanges for an access token, for which
     * the players endpoint answers {@code playerJson} (e.g. {@code {"playerId": "..."}}).
     */
    public String serverAuthCode(String playerJson) {
        String code = "4/0A" + java.util.UUID.randomUUID();
        String accessToken = "ya29." + java.util.UUID.randomUUID();
        accessTokens.put(code, accessToken);
        players.put(accessToken, playerJson);
        return code;
    }

    private Reply token(PlatformStandIn.Request request) {
        Map<String, String> form = formOf(request.bodyText());
        String accessToken = accessTokens.get(form.getOrDefault("code", ""));
        if (!"POST".equals(request.method()) || !"authorization_code".equals(form.get("grant_type"))
                || !OAUTH_CLIENT_ID.equals(form.get("client_id")) || !OAUTH_CLIENT_SECRET.equals(form.get("client_secret"))
                || accessToken == null) {
            return new Reply(400, Map.of("Content-Type", "application/json"),
                    "{\"error\":\"invalid_grant\",\"error_description\":\"Bad Request\"}".getBytes(StandardCharsets.UTF_8));
        }
        return Reply.json("{\"access_token\":\"" + accessToken + "\",\"expires_in\":3599,\"token_type\":\"Bearer\"}");
    }

    private Reply player(PlatformStandIn.Request request) {
        String authorization = request.header("Authorization");
        String player = authorization == null || !authorization.startsWith("Bearer ") ? null
                : players.get(authorization.substring("Bearer ".length()));
        return player == null ? Reply.status(401) : Reply.json(player);
    }

    private static Map<String, String> formOf(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    @Override
    public void close() {
        platform.close();
    }
}
