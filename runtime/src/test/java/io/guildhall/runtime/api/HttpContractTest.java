package io.guildhall.runtime.api;

import io.guildhall.runtime.testing.ApiClient;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HttpContractTest extends ApiTestBase {
    @Test
    void healthcheckAndRoot() {
        ApiClient.Reply health = api.get("/healthcheck", null);
        assertEquals(200, health.status());
        assertEquals("{}", health.text());
        assertEquals("application/json", health.headers().firstValue("Content-Type").orElse(""));
        assertEquals(200, api.get("/", null).status());
    }

    @Test
    void routingErrorsAreJson() {
        assertError(api.get("/v2/nothing-here", null), 404, 5, "Not Found");
        assertError(api.get("/v2/healthcheck", null), 404, 5, "Not Found");
        assertError(api.send("PATCH", "/v2/account", null, "{}"), 501, 12, "Method Not Allowed");
        assertError(api.get("/v2/account/authenticate/device", null), 501, 12, "Method Not Allowed");
    }

    @Test
    void queryStringsEndingInQuestionMarkOrAmpersandWork() {
        assertEquals(200, api.authenticate("device", "", ApiClient.json(Map.of("id", unique("device-")))).status());
        assertEquals(200, api.authenticate("device", "create=true&", ApiClient.json(Map.of("id", unique("device-")))).status());
        ApiClient.Reply session = newAccount();
        assertEquals(200, api.get("/v2/account?", bearerOf(session)).status());
    }

    @Test
    void malformedBodiesAre400AndChangeNothing() {
        ApiClient.Reply session = newAccount();
        String before = api.get("/v2/account", bearerOf(session)).text();
        for (String body : new String[]{"{", "{\"id\":", "[1,2]", "\"text\"", "{} {}", "nul"}) {
            ApiClient.Reply reply = api.post("/v2/account/link/device", bearerOf(session), body);
            assertEquals(400, reply.status(), body + " -> " + reply);
            assertEquals(3, reply.code(), reply.toString());
        }
        assertError(api.post("/v2/account/link/device", bearerOf(session), "{\"id\": 12345678901}"),
                400, 3, "invalid value for string field id: 12345678901");
        assertError(api.authenticate("custom", null, "{\"id\":\"" + unique("c") + "\",\"vars\":{\"k\":1}}"),
                400, 3, "invalid value for map field vars: 1");
        assertEquals(before, api.get("/v2/account", bearerOf(session)).text());
    }

    @Test
    void camelCaseAndUnknownFieldsAreAccepted() {
        ApiClient.Reply session = newAccount();
        ApiClient.Reply refreshed = api.post("/v2/account/session/refresh", ApiClient.basic("defaultkey"),
                "{\"token\":\"" + session.field("refresh_token") + "\",\"unknownField\":{\"deep\":[1]}}");
        assertEquals(200, refreshed.status(), refreshed.toString());
        assertEquals(200, api.post("/v2/session/logout", bearerOf(session),
                "{\"refreshToken\":\"" + session.field("refresh_token") + "\"}").status());
        assertEquals(401, api.post("/v2/account/session/refresh", ApiClient.basic("defaultkey"),
                "{\"token\":\"" + session.field("refresh_token") + "\"}").status());
    }

    @Test
    void oversizedBodiesAre413() {
        String big = "{\"id\":\"" + "x".repeat(300_000) + "\"}";
        ApiClient.Reply reply = api.authenticate("device", null, big);
        assertEquals(413, reply.status(), reply.toString().substring(0, Math.min(200, reply.toString().length())));
        assertEquals(8, reply.code());
    }

    @Test
    void oversizedChunkedBodiesAre413() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v2/account/authenticate/device HTTP/1.1\r\nHost: x\r\nAuthorization: "
                    + ApiClient.basic("defaultkey") + "\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            // Four 64 KiB chunks reach the 256 KiB limit; one more small chunk crosses it. No final
            // chunk is sent: the server must answer as soon as the limit is crossed.
            byte[] chunk = "a".repeat(65536).getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 4; i++) {
                out.write("10000\r\n".getBytes(StandardCharsets.US_ASCII));
                out.write(chunk);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.write("400\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[1024]);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String response = readResponse(socket.getInputStream());
            assertTrue(response.startsWith("HTTP/1.1 413"), response);
            assertTrue(response.contains("\"code\":8"), response);
            assertTrue(response.toLowerCase().contains("connection: close"), response);
        }
    }

    /** Reads one HTTP/1.1 response with a Content-Length body. */
    private static String readResponse(InputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return head.toString();
            }
            head.append((char) b);
        }
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
        int bodyLength = length.find() ? Integer.parseInt(length.group(1)) : 0;
        return head + new String(in.readNBytes(bodyLength), StandardCharsets.US_ASCII);
    }

    @Test
    void preflightRequestsGetCorsHeaders() {
        ApiClient.Reply reply = api.send("OPTIONS", "/v2/account", null, null);
        assertEquals(204, reply.status());
        assertEquals("*", reply.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    }
}
