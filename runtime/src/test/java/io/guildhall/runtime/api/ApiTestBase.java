package io.guildhall.runtime.api;

import io.guildhall.runtime.testing.ApiClient;
import io.guildhall.runtime.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** One real server per test class; tests use fresh random identities so they never collide. */
abstract class ApiTestBase {
    @TempDir
    static Path dataDir;
    static TestServer server;
    static ApiClient api;

    @BeforeAll
    static void startServer() {
        server = TestServer.start(dataDir);
        api = server.client();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    static String unique(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "");
    }

    /** Creates an account by custom id and returns the session reply. */
    static ApiClient.Reply newAccount() {
        ApiClient.Reply reply = api.authenticate("custom", null, ApiClient.json(Map.of("id", unique("c"))));
        assertEquals(200, reply.status(), reply.toString());
        return reply;
    }

    static String bearerOf(ApiClient.Reply session) {
        return ApiClient.bearer(session.field("token"));
    }

    static void assertError(ApiClient.Reply reply, int status, int code, String message) {
        assertEquals(status, reply.status(), reply.toString());
        assertEquals(code, reply.code(), reply.toString());
        assertEquals(message, reply.message(), reply.toString());
    }
}
