package io.guildhall.runtime.analytics.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guildhall.spi.analytics.AnalyticsClient;
import io.guildhall.spi.analytics.AnalyticsEvent;
import io.guildhall.spi.analytics.AnalyticsException;
import io.guildhall.spi.analytics.Properties;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The analytics client over HTTP to any Satori-compatible server, with Nakama's key names and wire
 * behaviour (analytics-api.md §11): the API key for authenticate and server events (Basic when it
 * is a UUID, else Bearer), and for identity calls a session token minted here with the server's
 * signing key ({@code iid}, {@code exp} = now + 3600, {@code iat}, {@code api}; no {@code sid}).
 * Only 200 is success. Transport errors and 408/429/502/503/504 are retried {@code retryCount}
 * times with capped exponential back-off that honours {@code Retry-After}; every attempt has the
 * timeout. Event ids are fixed before the first attempt, so a retry never double-counts.
 */
public final class RemoteAnalyticsClient implements AnalyticsClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<Integer> RETRIED = Set.of(408, 429, 502, 503, 504);
    private static final long TOKEN_LIFETIME_SEC = 3600;
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    private static final Duration LONGEST_BACKOFF = Duration.ofSeconds(10);

    private final URI base;
    private final String apiKey;
    private final String apiKeyName;
    private final byte[] signingKey;
    private final Duration timeout;
    private final int retryCount;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final HttpClient http;

    public RemoteAnalyticsClient(URI base, String apiKey, String apiKeyName, String signingKey, Duration timeout,
                                 int retryCount, Clock clock, ScheduledExecutorService timer) {
        this.base = base;
        this.apiKey = apiKey;
        this.apiKeyName = apiKeyName;
        this.signingKey = signingKey.getBytes(StandardCharsets.UTF_8);
        this.timeout = timeout;
        this.retryCount = retryCount;
        this.clock = clock;
        this.timer = timer;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public CompletionStage<Properties> authenticate(String identityId, Map<String, String> defaultProperties,
                                                    Map<String, String> customProperties, boolean noSession) {
        ObjectNode body = JSON.createObjectNode().put("id", identityId);
        body.set("default", JSON.valueToTree(nullToEmpty(defaultProperties)));
        body.set("custom", JSON.valueToTree(nullToEmpty(customProperties)));
        body.put("no_session", noSession);
        return send("POST", "/v1/authenticate", apiKeyAuthorization(), body)
                .thenApply(reply -> properties(reply.path("properties")));
    }

    @Override
    public CompletionStage<Void> publishEvents(String identityId, List<AnalyticsEvent> events) {
        return send("POST", "/v1/event", sessionAuthorization(identityId), events(events, false)).thenApply(reply -> null);
    }

    @Override
    public CompletionStage<Void> publishServerEvents(List<AnalyticsEvent> events) {
        return send("POST", "/v1/server-event", apiKeyAuthorization(), events(events, true)).thenApply(reply -> null);
    }

    @Override
    public CompletionStage<Properties> getProperties(String identityId) {
        return send("GET", "/v1/properties", sessionAuthorization(identityId), null).thenApply(RemoteAnalyticsClient::properties);
    }

    @Override
    public CompletionStage<Void> updateProperties(String identityId, Map<String, String> defaultProperties,
                                                  Map<String, String> customProperties, boolean recompute) {
        ObjectNode body = JSON.createObjectNode();
        body.set("default", JSON.valueToTree(nullToEmpty(defaultProperties)));
        body.set("custom", JSON.valueToTree(nullToEmpty(customProperties)));
        body.put("recompute", recompute);
        return send("PUT", "/v1/properties", sessionAuthorization(identityId), body).thenApply(reply -> null);
    }

    @Override
    public CompletionStage<Void> deleteIdentity(String identityId) {
        return send("DELETE", "/v1/identity", sessionAuthorization(identityId), null).thenApply(reply -> null);
    }

    private ObjectNode events(List<AnalyticsEvent> events, boolean withIdentity) {
        ArrayNode list = JSON.createArrayNode();
        for (AnalyticsEvent event : events) {
            ObjectNode node = list.addObject()
                    .put("name", event.name())
                    .put("id", event.id() == null || event.id().isEmpty() ? UUID.randomUUID().toString() : event.id())
                    .put("timestamp", event.timestamp().truncatedTo(ChronoUnit.SECONDS).toString());
            node.set("metadata", JSON.valueToTree(event.metadata()));
            if (event.value() != null) {
                node.put("value", event.value());
            }
            if (withIdentity && event.identityId() != null) {
                node.put("identity_id", event.identityId());
            }
        }
        ObjectNode body = JSON.createObjectNode();
        body.set("events", list);
        return body;
    }

    private CompletableFuture<JsonNode> send(String method, String path, String authorization, JsonNode body) {
        byte[] bytes;
        try {
            bytes = body == null ? null : JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new AnalyticsException("cannot encode the request: " + e.getMessage(), e));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(timeout)
                .header("Authorization", authorization)
                .header("Accept", "application/json");
        if (bytes == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofByteArray(bytes));
        }
        CompletableFuture<JsonNode> result = new CompletableFuture<>();
        attempt(request.build(), 0, result);
        return result;
    }

    private void attempt(HttpRequest request, int attempt, CompletableFuture<JsonNode> result) {
        http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).whenComplete((response, failure) -> {
            if (failure != null) {
                if (attempt < retryCount) {
                    retryLater(request, attempt, backoff(attempt), result);
                } else {
                    result.completeExceptionally(new AnalyticsException("analytics server at " + base.getHost()
                            + " did not answer: " + describe(failure), failure));
                }
                return;
            }
            int status = response.statusCode();
            if (status == 200) {
                result.complete(parse(response.body()));
            } else if (RETRIED.contains(status) && attempt < retryCount) {
                retryLater(request, attempt, retryAfter(response).orElse(backoff(attempt)), result);
            } else {
                result.completeExceptionally(new AnalyticsException(status, status + " status code: "
                        + shorten(new String(response.body(), StandardCharsets.UTF_8))));
            }
        });
    }

    private void retryLater(HttpRequest request, int attempt, Duration delay, CompletableFuture<JsonNode> result) {
        timer.schedule(() -> attempt(request, attempt + 1, result), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static Duration backoff(int attempt) {
        Duration delay = FIRST_BACKOFF.multipliedBy(1L << Math.min(attempt, 10));
        return delay.compareTo(LONGEST_BACKOFF) > 0 ? LONGEST_BACKOFF : delay;
    }

    private static java.util.Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").flatMap(value -> {
            try {
                long seconds = Long.parseLong(value.trim());
                return java.util.Optional.of(Duration.ofSeconds(Math.min(Math.max(seconds, 0), LONGEST_BACKOFF.toSeconds())));
            } catch (NumberFormatException e) {
                return java.util.Optional.empty();
            }
        });
    }

    private String apiKeyAuthorization() {
        try {
            UUID.fromString(apiKey);
            return "Basic " + Base64.getEncoder().encodeToString((apiKey + ":").getBytes(StandardCharsets.UTF_8));
        } catch (IllegalArgumentException notAUuid) {
            return "Bearer " + apiKey;
        }
    }

    /** A session token for the identity, as Nakama mints them for Satori. */
    private String sessionAuthorization(String identityId) {
        long now = Instant.now(clock).getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iid", identityId);
        claims.put("exp", now + TOKEN_LIFETIME_SEC);
        claims.put("iat", now);
        claims.put("api", apiKeyName);
        try {
            Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
            String signingInput = url.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
                    + "." + url.encodeToString(JSON.writeValueAsBytes(claims));
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(signingKey, "HmacSHA256"));
            return "Bearer " + signingInput + "." + url.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException | GeneralSecurityException e) {
            throw new AnalyticsException("cannot mint an analytics session token: " + e.getMessage(), e);
        }
    }

    private static Properties properties(JsonNode node) {
        return new Properties(stringMap(node.path("default")), stringMap(node.path("custom")), stringMap(node.path("computed")));
    }

    private static Map<String, String> stringMap(JsonNode node) {
        Map<String, String> map = new LinkedHashMap<>();
        node.fields().forEachRemaining(field -> map.put(field.getKey(), field.getValue().asText()));
        return map;
    }

    private static JsonNode parse(byte[] body) {
        try {
            return body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static Map<String, String> nullToEmpty(Map<String, String> map) {
        return map == null ? Map.of() : map;
    }

    private static String describe(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause instanceof java.net.http.HttpTimeoutException ? "no answer within the timeout"
                : cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }

    private static String shorten(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }
}
