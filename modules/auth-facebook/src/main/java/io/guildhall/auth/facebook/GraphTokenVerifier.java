package io.guildhall.auth.facebook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guildhall.spi.OutboundHttp;
import io.guildhall.spi.Profile;
import io.guildhall.spi.Proof;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A classic Facebook Login access token. First asks the Graph API's {@code debug_token}, with this
 * game's app credentials, whether the token is valid and was issued to this app (Nakama trusts any
 * app's token); only then reads the player's profile with it ({@code /me}), whose id must be the
 * user the token was issued for.
 */
final class GraphTokenVerifier {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> ACCEPT_JSON = Map.of("Accept", "application/json");

    private final OutboundHttp http;
    private final String graphUrl;
    private final String appId;
    private final String appSecret;

    GraphTokenVerifier(OutboundHttp http, URI graphUrl, String appId, String appSecret) {
        this.http = http;
        String base = graphUrl.toString();
        this.graphUrl = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.appId = appId;
        this.appSecret = appSecret;
    }

    Proof verify(String token) throws Refused, IOException {
        String userId = introspect(token);
        JsonNode profile = get("/me", Map.of(
                "access_token", token,
                "fields", "id,name,email,picture",
                // Lets a studio turn on "Require App Secret" for its app; harmless otherwise.
                "appsecret_proof", appSecretProof(token)));
        String id = text(profile, "id");
        if (!userId.equals(id)) {
            throw new Refused("the profile is not the user the token was issued for");
        }
        String email = text(profile, "email");
        // The Graph API returns only an email the person has confirmed with Facebook.
        Profile details = new Profile(text(profile, "name"), text(profile.path("picture").path("data"), "url"),
                email, email != null);
        return Proof.of(id).profile(details);
    }

    /** The user id of a token that debug_token says is valid and issued to this app. */
    private String introspect(String token) throws Refused, IOException {
        JsonNode data = get("/debug_token", Map.of("input_token", token, "access_token", appId + "|" + appSecret)).path("data");
        if (!data.path("is_valid").asBoolean(false) || !data.path("is_valid").isBoolean()) {
            throw new Refused("debug_token says the token is not valid");
        }
        if (!appId.equals(text(data, "app_id"))) {
            throw new Refused("the token was issued to another app");
        }
        String userId = text(data, "user_id");
        FacebookIds.check(userId);
        return userId;
    }

    private JsonNode get(String path, Map<String, String> query) throws Refused, IOException {
        OutboundHttp.Response response = http.get(URI.create(graphUrl + path + "?" + encode(query)), ACCEPT_JSON);
        if (!response.ok()) {
            throw new Refused("Graph " + path + " answered HTTP " + response.status());
        }
        try {
            JsonNode body = JSON.readTree(response.body());
            if (body == null || !body.isObject()) {
                throw new Refused("Graph " + path + " answered something other than a JSON object");
            }
            return body;
        } catch (IOException e) {
            throw new Refused("Graph " + path + " answered malformed JSON");
        }
    }

    private static String encode(Map<String, String> query) {
        StringBuilder out = new StringBuilder();
        new LinkedHashMap<>(query).forEach((name, value) -> {
            if (out.length() > 0) {
                out.append('&');
            }
            out.append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        });
        return out.toString();
    }

    /** A string or number field as text, else null. */
    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() || value.isNumber() ? value.asText() : null;
    }

    /** HMAC-SHA256 of the token keyed with the app secret, hex: Facebook's proof that the caller has the secret. */
    private String appSecretProof(String token) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(appSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(token.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
