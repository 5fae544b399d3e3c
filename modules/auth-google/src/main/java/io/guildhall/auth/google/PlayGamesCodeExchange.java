package io.guildhall.auth.google;

import io.guildhall.spi.OutboundHttp;
import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The Play Games Services v2 path: a server auth code is exchanged for an access token at Google's
 * OAuth token endpoint with our OAuth client, and the token is used to look up the signed-in player.
 */
final class PlayGamesCodeExchange {
    private final OutboundHttp http;
    private final OAuthClient client;
    private final URI tokenUri;
    private final URI playersUri;

    PlayGamesCodeExchange(OutboundHttp http, OAuthClient client, URI tokenUri, URI playersUri) {
        this.http = http;
        this.client = client;
        this.tokenUri = tokenUri;
        this.playersUri = playersUri;
    }

    GoogleIdentity player(String code) throws Rejected {
        String accessToken = Profiles.text(call("token endpoint", () -> http.post(tokenUri, Map.of("Accept", "application/json"),
                "application/x-www-form-urlencoded", form(code))).get("access_token"));
        if (accessToken == null) {
            throw new Rejected("token endpoint answered without an access_token");
        }
        Map<String, Object> player = call("players endpoint", () -> http.get(playersUri,
                Map.of("Accept", "application/json", "Authorization", "Bearer " + accessToken)));
        String playerId = Profiles.text(player.get("playerId"));
        if (playerId == null) {
            throw new Rejected("players endpoint answered without a playerId");
        }
        String original = Profiles.text(player.get("originalPlayerId"));
        return new GoogleIdentity(playerId, Profiles.text(player.get("displayName")),
                Profiles.text(player.get("avatarImageUrl")), null, false,
                original == null || original.equals(playerId) ? null : original);
    }

    private byte[] form(String code) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("grant_type", "authorization_code");
        fields.put("code", code);
        fields.put("client_id", client.clientId());
        fields.put("client_secret", client.clientSecret());
        if (client.redirectUri() != null) {
            fields.put("redirect_uri", client.redirectUri());
        }
        return fields.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&")).getBytes(StandardCharsets.US_ASCII);
    }

    private interface Exchange {
        OutboundHttp.Response send() throws IOException;
    }

    /** A 200 JSON object from the endpoint, else the reason it is not one. */
    private static Map<String, Object> call(String what, Exchange exchange) throws Rejected {
        OutboundHttp.Response response;
        try {
            response = exchange.send();
        } catch (IOException e) {
            throw new Rejected(what + " unavailable: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            // e.g. an access token with characters a header cannot carry
            throw new Rejected(what + " cannot be called: " + e.getMessage());
        }
        if (!response.ok()) {
            throw new Rejected(what + " answered HTTP " + response.status());
        }
        try {
            return JsonUtil.parseJson(response.text());
        } catch (JoseException | RuntimeException e) {
            throw new Rejected(what + " answered something other than a JSON object");
        }
    }
}
