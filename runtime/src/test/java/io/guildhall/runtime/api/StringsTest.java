package io.guildhall.runtime.api;

import io.guildhall.runtime.testing.ApiClient;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Strings that would break accounts or tokens are refused where they come in. */
class StringsTest extends ApiTestBase {
    private static ApiClient.Reply put(ApiClient.Reply session, String body) {
        return api.send("PUT", "/v2/account", bearerOf(session), body);
    }

    @Test
    void unpairedSurrogatesAre400AndTheAccountKeepsWorking() {
        ApiClient.Reply session = newAccount();
        for (String body : new String[]{
                "{\"username\":\"bad\\ud800name\"}",
                "{\"display_name\":\"trailing\\udc00\"}",
                "{\"location\":\"\\ud83d\"}"}) {
            assertError(put(session, body), 400, 3, "Invalid JSON body: string with an unpaired surrogate.");
        }
        assertError(api.authenticate("custom", null, "{\"id\":\"" + unique("c") + "\",\"vars\":{\"k\":\"\\udfff\"}}"),
                400, 3, "Invalid JSON body: string with an unpaired surrogate.");
        // a paired one is fine, and sign-in and refresh keep working
        assertEquals(200, put(session, "{\"display_name\":\"smile \\ud83d\\ude00\"}").status());
        assertEquals(200, api.post("/v2/account/session/refresh", ApiClient.basic("defaultkey"),
                ApiClient.json(Map.of("token", session.field("refresh_token")))).status());
    }

    @Test
    void usernamesRefuseEveryUnicodeSpaceControlAndFormatCharacter() {
        ApiClient.Reply session = newAccount();
        for (String bad : new String[]{"no\u00a0break", "zero\u200bwidth", "bidi\u202eoverride", "next\u0085line",
                "line\u2028sep", "para\u2029sep", "ideo\u3000space", "soft\u00adhyphen", "bom\ufeff"}) {
            assertError(put(session, ApiClient.json(Map.of("username", bad))), 400, 3,
                    "Username invalid, no spaces or control characters allowed.");
            assertError(api.authenticate("custom", "username=" + URLEncoder.encode(bad, StandardCharsets.UTF_8),
                            ApiClient.json(Map.of("id", unique("c")))),
                    400, 3, "Username invalid, no spaces or control characters allowed.");
        }
        assertEquals(200, put(session, ApiClient.json(Map.of("username", unique("ünï-") .substring(0, 12)))).status());
    }

    @Test
    void decoderMessagesNameNoLibraryFeature() {
        for (String body : new String[]{"{\"id\": NaN}", "{\"id\": 007}", "{'id': 'x'}", "{\"id\": \"a\u0001\"}"}) {
            ApiClient.Reply reply = api.authenticate("custom", null, body);
            assertEquals(400, reply.status(), body + " -> " + reply);
            assertTrue(!reply.message().contains("enable") && !reply.message().contains("Feature")
                    && !reply.message().contains("com.fasterxml"), reply.message());
        }
    }

    @Test
    void duplicateKeysAndOverlongUtf8Are400() throws Exception {
        assertError(api.authenticate("custom", null, "{\"id\":\"" + unique("c") + "\",\"id\":\"" + unique("c") + "\"}"),
                400, 3, "Invalid JSON body: Duplicate field 'id'");
        // "/" as the overlong two-byte sequence C0 AF, and a UTF-8-encoded surrogate (ED A0 80)
        for (byte[] bad : new byte[][]{{(byte) 0xc0, (byte) 0xaf}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80}}) {
            byte[] start = ("{\"id\":\"" + unique("c")).getBytes(StandardCharsets.US_ASCII);
            byte[] end = "\"}".getBytes(StandardCharsets.US_ASCII);
            byte[] body = new byte[start.length + bad.length + end.length];
            System.arraycopy(start, 0, body, 0, start.length);
            System.arraycopy(bad, 0, body, start.length, bad.length);
            System.arraycopy(end, 0, body, start.length + bad.length, end.length);
            HttpResponse<String> reply = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(server.url("/v2/account/authenticate/custom")))
                    .header("Authorization", ApiClient.basic("defaultkey"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(400, reply.statusCode(), reply.body());
            assertTrue(reply.body().contains("not valid UTF-8"), reply.body());
        }
    }
}
