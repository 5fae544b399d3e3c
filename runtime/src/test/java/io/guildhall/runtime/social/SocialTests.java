package io.guildhall.runtime.social;

import com.fasterxml.jackson.databind.JsonNode;
import io.guildhall.runtime.testing.ApiClient;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Small helpers shared by the social sign-in tests. */
final class SocialTests {
    private SocialTests() {
    }

    static String unique(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "");
    }

    static String tokenBody(String token) {
        return ApiClient.json(Map.of("token", token));
    }

    static String bearerOf(ApiClient.Reply session) {
        assertEquals(200, session.status(), session.toString());
        return ApiClient.bearer(session.field("token"));
    }

    static JsonNode account(ApiClient api, ApiClient.Reply session) {
        ApiClient.Reply reply = api.get("/v2/account", bearerOf(session));
        assertEquals(200, reply.status(), reply.toString());
        return reply.json();
    }

    static ApiClient.Reply newCustomAccount(ApiClient api) {
        ApiClient.Reply reply = api.authenticate("custom", null, ApiClient.json(Map.of("id", unique("c"))));
        assertEquals(200, reply.status(), reply.toString());
        return reply;
    }

    static void assertError(ApiClient.Reply reply, int status, int code, String message) {
        assertEquals(status, reply.status(), reply.toString());
        assertEquals(code, reply.code(), reply.toString());
        assertEquals(message, reply.message(), reply.toString());
    }

    /** Live threads the runtime runs a provider's calls on ({@code provider-<id>-N}, see ProviderCalls). */
    static long providerThreads(String providerId) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("provider-" + providerId + "-")).count();
    }

    /** Waits (bounded) until at least {@code count} calls of the provider are on its threads at once. */
    static boolean awaitProviderThreads(String providerId, long count, Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (System.nanoTime() < deadline) {
            if (providerThreads(providerId) >= count) {
                return true;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }
}
