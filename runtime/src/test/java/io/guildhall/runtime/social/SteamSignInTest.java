package io.guildhall.runtime.social;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import io.guildhall.runtime.testing.ApiClient;
import io.guildhall.runtime.testing.PlatformStandIn;
import io.guildhall.runtime.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Steam sign-in, link and unlink through the real server against a stand-in Steam Web API. */
class SteamSignInTest {
    private static final int TIMEOUT_MS = 2000;
    private static final int MAX_IN_FLIGHT = 3;
    private static final String FAILED = "Could not authenticate Steam profile.";

    @TempDir
    static Path dir;
    static SteamStandIn steam;
    /** Configured with the defaults: bans and family sharing refused. */
    static TestServer server;
    static ApiClient api;
    /** Configured to accept banned players and family-shared copies. */
    static TestServer lenient;
    /** No social.steam settings at all. */
    static TestServer unconfigured;

    @BeforeAll
    static void start() {
        steam = new SteamStandIn();
        server = TestServer.start(dir.resolve("strict"), with(steam.flags(),
                "--plugins.http_timeout_ms=" + TIMEOUT_MS, "--social.steam.max_in_flight=" + MAX_IN_FLIGHT));
        api = server.client();
        lenient = TestServer.start(dir.resolve("lenient"), with(steam.flags(), "--social.steam.reject_vac_banned=false",
                "--social.steam.reject_publisher_banned=false", "--social.steam.reject_family_shared=false"));
        unconfigured = TestServer.start(dir.resolve("unconfigured"));
    }

    @AfterAll
    static void stop() {
        unconfigured.close();
        lenient.close();
        server.close();
        steam.close();
    }

    @Test
    void signInCreatesTheAccountThenFindsIt() {
        String steamId = SteamStandIn.newSteamId();
        ApiClient.Reply first = signIn(api, steam.ticket(steamId), "");
        assertEquals(200, first.status(), first.toString());
        assertTrue(first.json().path("created").asBoolean(), first.toString());

        ApiClient.Reply second = signIn(api, steam.ticket(steamId), "");
        assertEquals(200, second.status(), second.toString());
        assertFalse(second.json().has("created"), second.toString());

        String user = account(api, second).path("user").path("id").asText();
        assertEquals(account(api, first).path("user").path("id").asText(), user);
        assertEquals(steamId, account(api, second).path("user").path("steam_id").asText());
    }

    @Test
    void createFalseDoesNotCreate() {
        ApiClient.Reply reply = signIn(api, steam.ticket(SteamStandIn.newSteamId()), "create=false");
        assertError(reply, 404, 5, "User account not found.");
    }

    @Test
    void linkAsNakamaJsSendsItThenUnlinkWithTheTicket() {
        ApiClient.Reply session = customAccount(api);
        String steamId = SteamStandIn.newSteamId();
        // nakama-js linkSteam wraps the account message: {"account":{"token":..},"sync":bool}.
        ApiClient.Reply link = api.post("/v2/account/link/steam", bearer(session),
                ApiClient.json(Map.of("account", Map.of("token", steam.ticket(steamId)), "sync", true)));
        assertEquals(200, link.status(), link.toString());
        assertEquals("{}", link.text());
        assertEquals(steamId, account(api, session).path("user").path("steam_id").asText());

        // unlinkSteam sends the plain account message.
        ApiClient.Reply unlink = api.post("/v2/account/unlink/steam", bearer(session),
                ApiClient.json(Map.of("token", steam.ticket(steamId))));
        assertEquals(200, unlink.status(), unlink.toString());
        assertFalse(account(api, session).path("user").has("steam_id"));
    }

    @Test
    void linkAcceptsThePlainAccountMessageAndUnlinkWithoutTicketClears() {
        ApiClient.Reply session = customAccount(api);
        String steamId = SteamStandIn.newSteamId();
        ApiClient.Reply link = api.post("/v2/account/link/steam", bearer(session),
                ApiClient.json(Map.of("token", steam.ticket(steamId))));
        assertEquals(200, link.status(), link.toString());
        assertEquals(steamId, account(api, session).path("user").path("steam_id").asText());

        ApiClient.Reply unlink = api.post("/v2/account/unlink/steam", bearer(session), "{}");
        assertEquals(200, unlink.status(), unlink.toString());
        assertFalse(account(api, session).path("user").has("steam_id"));
    }

    @Test
    void unlinkWithAnotherPlayersTicketIsRefused() {
        ApiClient.Reply session = customAccount(api);
        String steamId = SteamStandIn.newSteamId();
        assertEquals(200, api.post("/v2/account/link/steam", bearer(session),
                ApiClient.json(Map.of("token", steam.ticket(steamId)))).status());
        ApiClient.Reply unlink = api.post("/v2/account/unlink/steam", bearer(session),
                ApiClient.json(Map.of("token", steam.ticket(SteamStandIn.newSteamId()))));
        assertError(unlink, 403, 7, "Cannot unlink last account identifier. Check profile exists and is not last link.");
        ApiClient.Reply bad = api.post("/v2/account/unlink/steam", bearer(session),
                ApiClient.json(Map.of("token", steam.ticketAnswering("{\"response\":{\"params\":{\"result\":\"Invalid\"}}}"))));
        assertError(bad, 401, 16, FAILED);
        assertEquals(steamId, account(api, session).path("user").path("steam_id").asText());
    }

    @Test
    void linkingASteamIdHeldByAnotherAccountConflicts() {
        String steamId = SteamStandIn.newSteamId();
        assertEquals(200, signIn(api, steam.ticket(steamId), "").status());
        ApiClient.Reply other = customAccount(api);
        ApiClient.Reply link = api.post("/v2/account/link/steam", bearer(other),
                ApiClient.json(Map.of("account", Map.of("token", steam.ticket(steamId)))));
        assertError(link, 409, 6, "Steam ID is already in use.");
    }

    @Test
    void aResultOtherThanOkIsRefused() {
        String steamId = SteamStandIn.newSteamId();
        String ticket = steam.ticketAnswering("{\"response\":{\"params\":{\"result\":\"Invalid ticket\",\"steamid\":\""
                + steamId + "\",\"ownersteamid\":\"" + steamId + "\",\"vacbanned\":false,\"publisherbanned\":false}}}");
        assertError(signIn(api, ticket, ""), 401, 16, FAILED);
        String noResult = steam.ticketAnswering("{\"response\":{\"params\":{\"steamid\":\"" + steamId + "\"}}}");
        assertError(signIn(api, noResult, ""), 401, 16, FAILED);
    }

    @Test
    void anErrorAnswerIsRefused() {
        String ticket = steam.ticketAnswering("{\"response\":{\"error\":{\"errorcode\":102,\"errordesc\":\"Ticket for other app\"}}}");
        assertError(signIn(api, ticket, ""), 401, 16, FAILED);
        // A ticket the stand-in never issued gets Steam's "Invalid ticket" error.
        int before = steam.calls();
        assertError(signIn(api, "DEADBEEF", ""), 401, 16, FAILED);
        assertEquals(before + 1, steam.calls(), "the ticket was checked with Steam");
    }

    @Test
    void bannedPlayersAreRefusedUnlessConfiguredOtherwise() {
        String vac = SteamStandIn.newSteamId();
        assertError(signIn(api, steam.ticket(vac, vac, true, false), ""), 401, 16, FAILED);
        String publisher = SteamStandIn.newSteamId();
        assertError(signIn(api, steam.ticket(publisher, publisher, false, true), ""), 401, 16, FAILED);

        ApiClient lenientApi = lenient.client();
        assertEquals(200, signIn(lenientApi, steam.ticket(vac, vac, true, false), "").status());
        assertEquals(200, signIn(lenientApi, steam.ticket(publisher, publisher, false, true), "").status());
    }

    @Test
    void aFamilySharedTicketIsRefusedUnlessConfiguredOtherwise() {
        String player = SteamStandIn.newSteamId();
        String owner = SteamStandIn.newSteamId();
        assertError(signIn(api, steam.ticket(player, owner, false, false), ""), 401, 16, FAILED);
        ApiClient.Reply session = customAccount(api);
        assertError(api.post("/v2/account/link/steam", bearer(session),
                ApiClient.json(Map.of("account", Map.of("token", steam.ticket(player, owner, false, false))))), 401, 16, FAILED);

        ApiClient.Reply shared = signIn(lenient.client(), steam.ticket(player, owner, false, false), "");
        assertEquals(200, shared.status(), shared.toString());
        assertEquals(player, account(lenient.client(), shared).path("user").path("steam_id").asText(),
                "the account is the player's, not the owner's");
    }

    @Test
    void aSteamIdThatIsNotACanonicalUnsigned64IsRefused() {
        for (String steamId : List.of("\"\"", "\"abc\"", "\"0765611979\"", "\"-76561197960265728\"",
                "\"18446744073709551616\"", "76561197960265728", "\"7656 1197\"")) {
            String ticket = steam.ticketAnswering("{\"response\":{\"params\":{\"result\":\"OK\",\"steamid\":" + steamId
                    + ",\"ownersteamid\":" + steamId + ",\"vacbanned\":false,\"publisherbanned\":false}}}");
            assertError(signIn(lenient.client(), ticket, ""), 401, 16, FAILED);
        }
        String max = "18446744073709551615";
        String ticket = steam.ticketAnswering("{\"response\":{\"params\":{\"result\":\"OK\",\"steamid\":\"" + max
                + "\",\"ownersteamid\":\"" + max + "\",\"vacbanned\":false,\"publisherbanned\":false}}}");
        ApiClient.Reply reply = signIn(api, ticket, "");
        assertEquals(200, reply.status(), reply.toString());
        assertEquals(max, account(api, reply).path("user").path("steam_id").asText());
    }

    @Test
    void garbageFromSteamIsRefused() {
        for (String body : List.of("not json", "[]", "{}", "{\"response\":[]}", "{\"response\":{}}",
                "{\"response\":{\"params\":\"OK\"}}",
                "{\"response\":{\"params\":{\"result\":\"OK\",\"steamid\":\"76561197960265728\",\"ownersteamid\":\"76561197960265728\",\"vacbanned\":\"no\"}}}")) {
            assertError(signIn(api, steam.ticketAnswering(body), ""), 401, 16, FAILED);
        }
    }

    @Test
    void steamDownIsRefused() {
        String ticket = steam.ticket(SteamStandIn.newSteamId());
        steam.platform().mode(PlatformStandIn.Mode.DOWN);
        try {
            assertError(signIn(api, ticket, ""), 401, 16, FAILED);
        } finally {
            steam.platform().mode(PlatformStandIn.Mode.UP);
        }
        assertEquals(200, signIn(api, ticket, "").status(), "the same ticket works once Steam is back");
    }

    @Test
    void aSlowSteamIsRefusedWithinTheTimeout() {
        String ticket = steam.ticket(SteamStandIn.newSteamId());
        int before = steam.calls();
        steam.platform().mode(PlatformStandIn.Mode.HANG);
        try {
            long start = System.nanoTime();
            ApiClient.Reply reply = signIn(api, ticket, "");
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertError(reply, 401, 16, FAILED);
            assertEquals(before + 1, steam.calls(), "the call reached Steam and hung there");
            assertTrue(elapsedMs >= TIMEOUT_MS - 100, "answered after the timeout, not before: " + elapsedMs + " ms");
            assertTrue(elapsedMs < TIMEOUT_MS + 3000, "answered soon after the timeout: " + elapsedMs + " ms");
        } finally {
            steam.platform().mode(PlatformStandIn.Mode.UP);
        }
    }

    @Test
    void aTicketThatIsNotHexNeverReachesSteam() {
        int before = steam.calls();
        for (String ticket : List.of("not-hex", "ABCD&key=x", "12 34", "A".repeat(4097))) {
            assertError(signIn(api, ticket, ""), 401, 16, FAILED);
        }
        assertEquals(before, steam.calls());
    }

    @Test
    void aMissingTicketIsAnInvalidArgument() {
        assertError(api.authenticate("steam", null, "{}"), 400, 3, "Steam access token is required.");
        assertError(api.authenticate("steam", null, ""), 400, 3, "Steam access token is required.");
        ApiClient.Reply session = customAccount(api);
        assertError(api.post("/v2/account/link/steam", bearer(session), "{\"account\":{},\"sync\":true}"),
                400, 3, "Steam access token is required.");
        assertError(api.post("/v2/account/link/steam", bearer(session), "{}"), 400, 3, "Steam access token is required.");
    }

    @Test
    void withoutPublisherKeyOrAppIdSteamIsNotConfigured() {
        ApiClient none = unconfigured.client();
        String ticket = steam.ticket(SteamStandIn.newSteamId());
        int before = steam.calls();
        // Authenticate checks the configuration first, link checks the ticket first (spec §7.2, §8.1).
        assertError(signIn(none, ticket, ""), 400, 9, "Steam authentication is not configured.");
        assertError(none.authenticate("steam", null, "{}"), 400, 9, "Steam authentication is not configured.");
        ApiClient.Reply session = customAccount(none);
        assertError(none.post("/v2/account/link/steam", bearer(session), "{\"account\":{}}"),
                400, 3, "Steam access token is required.");
        assertError(none.post("/v2/account/link/steam", bearer(session), ApiClient.json(Map.of("account", Map.of("token", ticket)))),
                400, 9, "Steam authentication is not configured.");
        // Unlink checks no configuration: a ticket that cannot be verified is a 401 (spec §8.2).
        assertError(none.post("/v2/account/unlink/steam", bearer(session), ApiClient.json(Map.of("token", ticket))),
                401, 16, FAILED);
        assertEquals(before, steam.calls());
    }

    @Test
    void pastMaxInFlightSteamSignInsGet503WhileOtherProvidersGoOn() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(MAX_IN_FLIGHT);
        int before = steam.calls();
        steam.platform().mode(PlatformStandIn.Mode.HANG);
        try {
            List<Future<ApiClient.Reply>> hung = new ArrayList<>();
            for (int i = 0; i < MAX_IN_FLIGHT; i++) {
                String ticket = steam.ticket(SteamStandIn.newSteamId());
                hung.add(clients.submit(() -> signIn(api, ticket, "")));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (steam.calls() < before + MAX_IN_FLIGHT && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(before + MAX_IN_FLIGHT, steam.calls(), "every slot is held by a call hung at Steam");

            ApiClient.Reply refused = signIn(api, steam.ticket(SteamStandIn.newSteamId()), "");
            assertEquals(503, refused.status(), refused.toString());
            assertEquals(14, refused.code(), refused.toString());
            assertEquals(before + MAX_IN_FLIGHT, steam.calls(), "the refused call never reached Steam");

            ApiClient.Reply device = api.authenticate("device", null,
                    ApiClient.json(Map.of("id", "device-" + UUID.randomUUID())));
            assertEquals(200, device.status(), "other providers are served meanwhile: " + device);

            for (Future<ApiClient.Reply> call : hung) {
                assertError(call.get(TIMEOUT_MS + 10_000, TimeUnit.MILLISECONDS), 401, 16, FAILED);
            }
        } finally {
            steam.platform().mode(PlatformStandIn.Mode.UP);
            clients.shutdownNow();
        }
        assertEquals(200, signIn(api, steam.ticket(SteamStandIn.newSteamId()), "").status(), "slots are free again");
    }

    @Test
    void thePublisherKeyNeverReachesTheLog(@TempDir Path logDir) throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger providerLog = (Logger) LoggerFactory.getLogger("io.guildhall.auth.steam");
        Level providerLevel = providerLog.getLevel();
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        root.addAppender(events);
        providerLog.setLevel(Level.DEBUG);
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (TestServer refusing = TestServer.start(logDir.resolve("refusing"),
                with(steam.flags(), "--social.steam.api_url=http://127.0.0.1:" + closedPort));
             TestServer hanging = TestServer.start(logDir.resolve("hanging"), with(steam.flags(), "--plugins.http_timeout_ms=300"))) {
            List<ApiClient.Reply> replies = new ArrayList<>();
            replies.add(signIn(refusing.client(), steam.ticket(SteamStandIn.newSteamId()), ""));
            replies.add(signIn(hanging.client(), steam.ticketAnswering("garbage"), ""));
            replies.add(signIn(hanging.client(), steam.ticketAnswering("{\"response\":{\"error\":{\"errorcode\":3}}}"), ""));
            String vac = SteamStandIn.newSteamId();
            replies.add(signIn(hanging.client(), steam.ticket(vac, vac, true, false), ""));
            steam.platform().mode(PlatformStandIn.Mode.DOWN);
            replies.add(signIn(hanging.client(), steam.ticket(SteamStandIn.newSteamId()), ""));
            steam.platform().mode(PlatformStandIn.Mode.HANG);
            replies.add(signIn(hanging.client(), steam.ticket(SteamStandIn.newSteamId()), ""));
            for (ApiClient.Reply reply : replies) {
                assertError(reply, 401, 16, FAILED);
            }
        } finally {
            steam.platform().mode(PlatformStandIn.Mode.UP);
            root.detachAppender(events);
            providerLog.setLevel(providerLevel);
        }
        List<String> lines = new ArrayList<>();
        for (ILoggingEvent event : events.list) {
            lines.add(event.getFormattedMessage());
            for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                lines.add(t.getMessage());
            }
        }
        assertTrue(lines.stream().anyMatch(l -> l != null && l.contains("Steam AuthenticateUserTicket call failed")),
                "the failures were logged: " + lines);
        assertTrue(lines.stream().anyMatch(l -> l != null && l.contains("social.steam.publisher_key=*****")),
                "the effective configuration names the key, masked: " + lines);
        for (String line : lines) {
            assertFalse(line != null && line.contains(SteamStandIn.PUBLISHER_KEY), "the key leaked: " + line);
        }
    }

    private static ApiClient.Reply signIn(ApiClient client, String ticket, String query) {
        return client.authenticate("steam", query, ApiClient.json(Map.of("token", ticket)));
    }

    private static ApiClient.Reply customAccount(ApiClient client) {
        ApiClient.Reply reply = client.authenticate("custom", null,
                ApiClient.json(Map.of("id", "c" + UUID.randomUUID().toString().replace("-", ""))));
        assertEquals(200, reply.status(), reply.toString());
        return reply;
    }

    private static com.fasterxml.jackson.databind.JsonNode account(ApiClient client, ApiClient.Reply session) {
        ApiClient.Reply reply = client.get("/v2/account", bearer(session));
        assertEquals(200, reply.status(), reply.toString());
        return reply.json();
    }

    private static String bearer(ApiClient.Reply session) {
        return ApiClient.bearer(session.field("token"));
    }

    private static void assertError(ApiClient.Reply reply, int status, int code, String message) {
        assertEquals(status, reply.status(), reply.toString());
        assertEquals(code, reply.code(), reply.toString());
        assertEquals(message, reply.message(), reply.toString());
    }

    private static String[] with(String[] flags, String... more) {
        List<String> all = new ArrayList<>(List.of(flags));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }
}
