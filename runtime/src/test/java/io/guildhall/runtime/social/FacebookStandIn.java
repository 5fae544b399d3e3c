package io.guildhall.runtime.social;

import io.guildhall.runtime.testing.PlatformStandIn;
import io.guildhall.runtime.testing.PlatformStandIn.Reply;
import io.guildhall.runtime.testing.PlatformStandIn.Request;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Facebook on 127.0.0.1 for tests: the Limited Login JWKS (RSA keys generated here), and the Graph
 * API's {@code debug_token} and {@code /me} for classic access tokens registered by the test. The
 * Graph routes check the app credentials and {@code appsecret_proof} the way Facebook does.
 * Reusable by any test: {@link #flags()} points a server at it.
 */
public final class FacebookStandIn implements AutoCloseable {
    public static final String APP_ID = "880011223344";
    public static final String APP_SECRET = "fb-app-secret-for-tests-0123456789";
    public static final String JWKS_PATH = "/.well-known/oauth/openid/jwks/";
    public static final String GRAPH_PATH = "/v22.0";
    public static final String DEBUG_TOKEN_PATH = GRAPH_PATH + "/debug_token";
    public static final String ME_PATH = GRAPH_PATH + "/me";
    public static final String ISSUER = "https://www.facebook.com";

    /** A Facebook user as debug_token and /me describe them, for one access token. */
    public record GraphUser(String id, String appId, boolean valid, String name, String email, String pictureUrl) {
    }

    private final PlatformStandIn platform = PlatformStandIn.start();
    private final List<RsaJsonWebKey> published = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<String, GraphUser> users = new ConcurrentHashMap<>();
    private volatile RsaJsonWebKey signingKey;

    private FacebookStandIn() {
        signingKey = publishNewKey("fb-key-1");
        serveAll();
    }

    public static FacebookStandIn start() {
        return new FacebookStandIn();
    }

    /** Server flags that point the facebook provider at this stand-in. */
    public String[] flags() {
        return new String[]{
                "--social.facebook_limited_login.app_id=" + APP_ID,
                "--social.facebook_limited_login.app_secret=" + APP_SECRET,
                "--social.facebook_limited_login.jwks_url=" + platform.url(JWKS_PATH),
                "--social.facebook_limited_login.graph_url=" + platform.url(GRAPH_PATH)};
    }

    public PlatformStandIn platform() {
        return platform;
    }

    /** (Re)installs the normal answers of every route, after a test replaced one. */
    public void serveAll() {
        platform.route(JWKS_PATH, request -> Reply.json(jwks()));
        platform.route(DEBUG_TOKEN_PATH, this::debugToken);
        platform.route(ME_PATH, this::me);
    }

    // ---- Limited Login ----

    /** A new key, published in the JWKS and used to sign tokens from now on (a key rotation). */
    public RsaJsonWebKey publishNewKey(String keyId) {
        RsaJsonWebKey key = newKey(keyId);
        published.add(key);
        signingKey = key;
        return key;
    }

    /** A key that is not published. */
    public static RsaJsonWebKey newKey(String keyId) {
        try {
            RsaJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
            key.setKeyId(keyId);
            key.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
            key.setUse("sig");
            return key;
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    public RsaJsonWebKey signingKey() {
        return signingKey;
    }

    private String jwks() {
        return new JsonWebKeySet(new ArrayList<JsonWebKey>(published)).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }

    /** Limited Login claims as Facebook issues them, valid for an hour from {@code now}. */
    public static JwtClaims claims(String subject, Instant now) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(ISSUER);
        claims.setAudience(APP_ID);
        claims.setSubject(subject);
        claims.setIssuedAt(NumericDate.fromSeconds(now.getEpochSecond()));
        claims.setExpirationTime(NumericDate.fromSeconds(now.plus(Duration.ofHours(1)).getEpochSecond()));
        claims.setJwtId(UUID.randomUUID().toString());
        claims.setStringClaim("nonce", UUID.randomUUID().toString());
        claims.setStringClaim("name", "Limited " + subject);
        claims.setStringClaim("picture", "https://platform-lookaside.example/pic/" + subject);
        return claims;
    }

    /** A valid Limited Login token for {@code subject}, signed with the current key. */
    public String limitedLoginToken(String subject, Instant now) {
        return sign(claims(subject, now));
    }

    public String sign(JwtClaims claims) {
        return sign(claims, signingKey.getPrivateKey(), signingKey.getKeyId(), AlgorithmIdentifiers.RSA_USING_SHA256);
    }

    /** Signs anything: another key, another key id, another algorithm (tests of what must be refused). */
    public static String sign(JwtClaims claims, Key key, String keyId, String algorithm) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key);
        jws.setKeyIdHeaderValue(keyId);
        jws.setAlgorithmHeaderValue(algorithm);
        jws.setDoKeyValidation(false);
        jws.setAlgorithmConstraints(org.jose4j.jwa.AlgorithmConstraints.NO_CONSTRAINTS);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- classic Graph access tokens ----

    /** Registers a classic access token of this app for a user and returns it. */
    public String classicToken(String userId, String name, String email) {
        return register(new GraphUser(userId, APP_ID, true, name, email, "https://platform-lookaside.example/pic/" + userId));
    }

    /** Registers an access token as debug_token will describe it and returns it. */
    public String register(GraphUser user) {
        String token = "EAAG" + UUID.randomUUID().toString().replace("-", "") + UUID.randomUUID().toString().replace("-", "");
        users.put(token, user);
        return token;
    }

    private Reply debugToken(Request request) {
        if (!(APP_ID + "|" + APP_SECRET).equals(request.query().get("access_token"))) {
            return graphError(190, "Invalid OAuth access token signature.");
        }
        GraphUser user = users.get(request.query().getOrDefault("input_token", ""));
        if (user == null) {
            return Reply.json("{\"data\":{\"error\":{\"code\":190,\"message\":\"Invalid OAuth access token.\"},\"is_valid\":false,\"scopes\":[]}}");
        }
        return Reply.json("{\"data\":{\"app_id\":\"" + user.appId() + "\",\"type\":\"USER\",\"application\":\"Guildhall test\","
                + "\"data_access_expires_at\":1893456000,\"expires_at\":1893456000,\"is_valid\":" + user.valid()
                + ",\"scopes\":[\"email\",\"public_profile\"],\"user_id\":\"" + user.id() + "\"}}");
    }

    private Reply me(Request request) {
        String token = request.query().getOrDefault("access_token", "");
        GraphUser user = users.get(token);
        if (user == null) {
            return graphError(190, "Invalid OAuth access token data.");
        }
        String proof = request.query().get("appsecret_proof");
        if (proof != null && !proof.equals(appSecretProof(token))) {
            return graphError(100, "Invalid appsecret_proof provided in the API argument");
        }
        return Reply.json("{\"id\":\"" + user.id() + "\",\"name\":\"" + user.name() + "\""
                + (user.email() == null ? "" : ",\"email\":\"" + user.email() + "\"")
                + ",\"picture\":{\"data\":{\"height\":50,\"is_silhouette\":false,\"url\":\"" + user.pictureUrl() + "\",\"width\":50}}}");
    }

    private static Reply graphError(int code, String message) {
        return new Reply(400, Map.of("Content-Type", "application/json"),
                ("{\"error\":{\"message\":\"" + message + "\",\"type\":\"OAuthException\",\"code\":" + code + "}}")
                        .getBytes(StandardCharsets.UTF_8));
    }

    static String appSecretProof(String token) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(APP_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(token.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        platform.close();
    }
}
