package io.guildhall.runtime.api;

import io.guildhall.runtime.testing.ApiClient;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HTTP as clients meet it: continue, framing, codings, oversized bodies and every rejection in JSON. */
class StrictHttpTest extends ApiTestBase {
    /** One raw response: status line and headers, and the body as text. */
    record Raw(String head, String body) {
        int status() {
            return Integer.parseInt(head.substring(9, 12));
        }
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.setSoTimeout(5000);
        return socket;
    }

    private static Raw read(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after: " + head);
            }
            head.append((char) b);
        }
        Matcher length = Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
        int bodyLength = length.find() ? Integer.parseInt(length.group(1)) : 0;
        return new Raw(head.toString(), new String(in.readNBytes(bodyLength), StandardCharsets.UTF_8));
    }

    private static Raw send(String request) throws IOException {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return read(socket.getInputStream());
        }
    }

    private static void assertJsonError(Raw raw, int status, int code) {
        assertEquals(status, raw.status(), raw.head() + raw.body());
        assertTrue(raw.body().contains("\"code\":" + code), raw.head() + raw.body());
        assertTrue(raw.head().toLowerCase().contains("content-type: application/json"), raw.head());
    }

    private static String signIn(String extraHeaders, int contentLength) {
        return "POST /v2/account/authenticate/device HTTP/1.1\r\nHost: x\r\nAuthorization: " + ApiClient.basic("defaultkey")
                + "\r\n" + extraHeaders + (contentLength >= 0 ? "Content-Length: " + contentLength + "\r\n" : "") + "\r\n";
    }

    @Test
    void expectContinueGetsA100BeforeTheBodyIsSent() throws Exception {
        String body = ApiClient.json(Map.of("id", unique("device-")));
        try (Socket socket = connect()) {
            socket.getOutputStream().write(signIn("Expect: 100-continue\r\n", body.length()).getBytes(StandardCharsets.US_ASCII));
            socket.setSoTimeout(500); // curl waits a second before sending anyway
            Raw interim = read(socket.getInputStream());
            assertEquals(100, interim.status(), interim.head());
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(body.getBytes(StandardCharsets.US_ASCII));
            Raw reply = read(socket.getInputStream());
            assertEquals(200, reply.status(), reply.head() + reply.body());
        }
        // too large for the limit: 413 at once, no 100 and no wait for the body
        try (Socket socket = connect()) {
            socket.getOutputStream().write(signIn("Expect: 100-continue\r\n", 10_000_000).getBytes(StandardCharsets.US_ASCII));
            assertJsonError(read(socket.getInputStream()), 413, 8);
        }
    }

    @Test
    void transferEncodingOtherThanChunkedIsRefused() throws Exception {
        assertJsonError(send(signIn("Transfer-Encoding: gzip, chunked\r\n", -1)), 501, 12);
        assertJsonError(send(signIn("Transfer-Encoding: identity\r\n", -1)), 501, 12);
        assertJsonError(send(signIn("Transfer-Encoding: chunked, gzip\r\n", -1)), 400, 3);
        String body = ApiClient.json(Map.of("id", unique("device-")));
        Raw chunked = send(signIn("Transfer-Encoding: chunked\r\n", -1)
                + Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n");
        assertEquals(200, chunked.status(), chunked.body());
    }

    @Test
    void gzipAndDeflateBodiesAreDecodedWithACapAndOtherCodingsAre415() throws Exception {
        String id = unique("device-");
        byte[] json = ApiClient.json(Map.of("id", id)).getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(gzipped)) {
            gzip.write(json);
        }
        assertEquals(200, post("gzip", gzipped.toByteArray()).statusCode());
        ByteArrayOutputStream deflated = new ByteArrayOutputStream();
        try (DeflaterOutputStream deflate = new DeflaterOutputStream(deflated)) {
            deflate.write(ApiClient.json(Map.of("id", unique("device-"))).getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(200, post("deflate", deflated.toByteArray()).statusCode());
        // a bomb: 50 MB of spaces inside a JSON string compress to ~50 KB, under the body limit
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bomb)) {
            gzip.write("{\"id\":\"".getBytes(StandardCharsets.US_ASCII));
            byte[] spaces = new byte[1 << 20];
            java.util.Arrays.fill(spaces, (byte) ' ');
            for (int i = 0; i < 50; i++) {
                gzip.write(spaces);
            }
        }
        assertTrue(bomb.size() < 262_144, "bomb of " + bomb.size() + " bytes");
        HttpResponse<String> refused = post("gzip", bomb.toByteArray());
        assertEquals(413, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("\"code\":8"), refused.body());
        HttpResponse<String> corrupt = post("gzip", json);
        assertEquals(400, corrupt.statusCode(), corrupt.body());
        HttpResponse<String> brotli = post("br", json);
        assertEquals(415, brotli.statusCode(), brotli.body());
        assertTrue(brotli.body().contains("\"code\":3"), brotli.body());
    }

    private static HttpResponse<String> post(String contentEncoding, byte[] body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.url("/v2/account/authenticate/device")))
                .header("Authorization", ApiClient.basic("defaultkey"))
                .header("Content-Encoding", contentEncoding)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void largeResponsesAreGzippedForClientsThatAcceptIt() throws Exception {
        ApiClient.Reply session = newAccount();
        assertEquals(200, api.send("PUT", "/v2/account", bearerOf(session), ApiClient.json(Map.of(
                "display_name", "d".repeat(255), "avatar_url", "a".repeat(512), "location", "l".repeat(255),
                "timezone", "t".repeat(255)))).status());
        HttpRequest.Builder get = HttpRequest.newBuilder(URI.create(server.url("/v2/account")))
                .header("Authorization", bearerOf(session));
        HttpResponse<byte[]> zipped = HttpClient.newHttpClient().send(get.header("Accept-Encoding", "gzip").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals("gzip", zipped.headers().firstValue("Content-Encoding").orElse(""));
        String account = new String(new GZIPInputStream(new java.io.ByteArrayInputStream(zipped.body())).readAllBytes(),
                StandardCharsets.UTF_8);
        assertEquals(api.get("/v2/account", bearerOf(session)).text(), account);
        assertTrue(zipped.body().length < account.length());
        // small answers are not worth it
        HttpResponse<String> small = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.url("/healthcheck")))
                .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("{}", small.body());
    }

    @Test
    void aClientThatSendsItsWholeOversizedBodyFirstGetsThe413() throws Exception {
        byte[] big = new byte[600_000];
        java.util.Arrays.fill(big, (byte) 'x');
        for (boolean chunked : new boolean[]{false, true}) {
            try (Socket socket = connect()) {
                OutputStream out = socket.getOutputStream();
                out.write(signIn(chunked ? "Transfer-Encoding: chunked\r\n" : "", chunked ? -1 : big.length)
                        .getBytes(StandardCharsets.US_ASCII));
                if (chunked) {
                    out.write((Integer.toHexString(big.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                }
                out.write(big); // all of it, before reading anything
                if (chunked) {
                    out.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.flush();
                Raw reply = read(socket.getInputStream());
                assertJsonError(reply, 413, 8);
                assertTrue(reply.head().toLowerCase().contains("connection: close"), reply.head());
            }
        }
    }

    @Test
    void rejectionsOfMalformedRequestsAreJson() throws Exception {
        StringBuilder headers = new StringBuilder();
        for (int i = 0; i < 150; i++) {
            headers.append("X-Filler-").append(i).append(": y\r\n");
        }
        assertJsonError(send("GET /healthcheck HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n"), 431, 3);
        assertJsonError(send("GET /healthcheck?q=" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n"), 414, 3);
        assertJsonError(send("GET /healthcheck HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n"), 431, 3);
    }

    @Test
    void anHttp09RequestLineGets505() throws Exception {
        // Undertow echoed "HTTP/0.9 200 OK" with headers, which HTTP/0.9 never had
        Raw raw = send("GET /healthcheck HTTP/0.9\r\nHost: x\r\n\r\n");
        assertJsonError(raw, 505, 3);
        assertTrue(raw.body().contains("HTTP/0.9 is not supported"), raw.body());
        // any other version Undertow's parser does not know it serves as HTTP/1.1 (a later minor
        // version must be, RFC 9112 section 2.5), before any handler can see it
        assertEquals(200, send("GET /healthcheck HTTP/1.2\r\nHost: x\r\n\r\n").status());
    }

    /** What Undertow refuses while parsing, before any handler runs, answered in JSON on every listener. */
    @Test
    void whatTheParserRefusesIsJsonOnEveryListener() throws Exception {
        for (int port : new int[]{server.port(), server.analyticsPort(), server.consolePort()}) {
            assertParserRejection(port, "GET /healthcheck HTTP/1.1\r\n\r\n", "must have a Host header");
            assertParserRejection(port, "GET /healthcheck HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "only one Host header");
            assertParserRejection(port, "GET /healthcheck HTTP/1.1\r\nHost: x:99999\r\n\r\n", "Host header is malformed");
            assertParserRejection(port, "GET /healthcheck HTTP/1.1\r\nHost: a b\r\n\r\n", "Host header is malformed");
            assertParserRejection(port, "GET /health%zzcheck HTTP/1.1\r\nHost: x\r\n\r\n", "could not be parsed");
            assertParserRejection(port, "GET /healthcheck?q=%G1 HTTP/1.1\r\nHost: x\r\n\r\n", "could not be parsed");
            assertParserRejection(port, "GET /h\u00e9 HTTP/1.1\r\nHost: x\r\n\r\n", "could not be parsed");
            assertParserRejection(port, "G@T /healthcheck HTTP/1.1\r\nHost: x\r\n\r\n", "could not be parsed");
            assertParserRejection(port, "GET /healthcheck HTTP/11\r\nHost: x\r\n\r\n", "could not be parsed");
            assertParserRejection(port, "GET /healthcheck HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n", "could not be parsed");
            StringBuilder headers = new StringBuilder();
            for (int i = 0; i < 250; i++) {
                headers.append("X-Filler-").append(i).append(": y\r\n");
            }
            assertParserRejection(port, "GET /healthcheck HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n", "200 fields");
            assertParserRejection(port, "GET /healthcheck?q=" + "a".repeat(40_000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
                    "32768 bytes");
            assertParserRejection(port, "GET /healthcheck HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(40_000) + "\r\n\r\n",
                    "32768 bytes");
        }
        // HTTP/1.0 needs no Host, and well-formed requests on a kept-alive connection are untouched
        Raw old = send(port -> "GET /healthcheck HTTP/1.0\r\n\r\n");
        assertEquals(200, old.status(), old.head());
        try (Socket socket = connect()) {
            for (int i = 0; i < 3; i++) {
                socket.getOutputStream().write("GET /healthcheck HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                Raw reply = read(socket.getInputStream());
                assertEquals(200, reply.status(), reply.head());
                assertEquals("{}", reply.body());
            }
            // an ordinary error of ours (a 400 with a body) is not mistaken for one of the parser's
            socket.getOutputStream().write(signIn("", 1).getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write('x');
            assertJsonError(read(socket.getInputStream()), 400, 3);
        }
    }

    private static Raw send(java.util.function.IntFunction<String> request) throws IOException {
        return send(request.apply(server.port()));
    }

    private static void assertParserRejection(int port, String request, String messagePart) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            InputStream in = socket.getInputStream();
            Raw reply = read(in);
            String what = port + " " + request.substring(0, Math.min(80, request.length())) + " -> " + reply.head() + reply.body();
            assertJsonError(reply, 400, 3);
            assertTrue(reply.body().contains(messagePart), what);
            assertTrue(reply.head().toLowerCase().contains("connection: close"), what);
            for (String leak : new String[]{"undertow", "xnio", "io.", "exception", "allow_", "decode_url", "max_header"}) {
                assertTrue(!reply.body().toLowerCase().contains(leak), "names a library or flag: " + what);
            }
            assertEquals(-1, in.read(), "the connection closes after the answer: " + what);
        }
    }
}
