package io.guildhall.runtime.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** A plain HTTP client for the game API, as an SDK would use it. */
public final class ApiClient {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;

    private ApiClient(String base) {
        this.base = base;
    }

    /** A client for the server at {@code http://host:port}. */
    public static ApiClient at(String baseUrl) {
        return new ApiClient(baseUrl);
    }

    public static String basic(String serverKey) {
        return "Basic " + Base64.getEncoder().encodeToString((serverKey + ":").getBytes(StandardCharsets.UTF_8));
    }

    public static String bearer(String token) {
        return "Bearer " + token;
    }

    /** A response: status, parsed JSON body (null when empty or not JSON), raw text and headers. */
    public record Reply(int status, JsonNode json, String text, java.net.http.HttpHeaders headers) {
        public int code() {
            return json == null ? -1 : json.path("code").asInt(-1);
        }

        public String message() {
            return json == null ? null : json.path("message").asText(null);
        }

        public String field(String name) {
            return json == null ? null : json.path(name).asText(null);
        }

        @Override
        public String toString() {
            return status + " " + text;
        }
    }

    public Reply send(String method, String path, String authorization, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json")
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = null;
            try {
                json = response.body().isEmpty() ? null : MAPPER.readTree(response.body());
            } catch (IOException notJson) {
                // left null: the assertion on json will say so
            }
            return new Reply(response.statusCode(), json, response.body(), response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Reply post(String path, String authorization, String body) {
        return send("POST", path, authorization, body);
    }

    public Reply get(String path, String authorization) {
        return send("GET", path, authorization, null);
    }

    /** Signs in with the default server key; returns the reply with token and refresh_token. */
    public Reply authenticate(String provider, String query, String body) {
        return post("/v2/account/authenticate/" + provider + (query == null ? "" : "?" + query), basic("defaultkey"), body);
    }

    public static String json(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
