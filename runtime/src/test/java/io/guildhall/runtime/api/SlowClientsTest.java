package io.guildhall.runtime.api;

import io.guildhall.runtime.testing.ApiClient;
import io.guildhall.runtime.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Clients that trickle their requests byte by byte cannot hold the server. */
class SlowClientsTest {
    private static final int CAP = 16;
    private static final int SLOW = 3 * CAP;

    @TempDir
    Path dir;

    @Test
    void moreSlowConnectionsThanTheCapDoNotLockOutNormalClients() throws Exception {
        try (TestServer server = TestServer.start(dir, "--socket.connections_high_water=" + CAP,
                "--socket.connections_low_water=" + (CAP - 4), "--socket.header_timeout_ms=1000",
                "--socket.body_timeout_ms=1000")) {
            ExecutorService threads = Executors.newFixedThreadPool(SLOW);
            AtomicInteger holding = new AtomicInteger();
            AtomicInteger cutOff = new AtomicInteger();
            List<Future<?>> slow = new ArrayList<>();
            try {
                for (int i = 0; i < SLOW; i++) {
                    boolean inBody = i % 2 == 0;
                    slow.add(threads.submit(() -> trickle(server.port(), inBody, holding, cutOff)));
                }
                // wait until the slow clients hold more connections than the cap
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (holding.get() < SLOW && System.nanoTime() < until) {
                    Thread.sleep(10);
                }
                assertEquals(SLOW, holding.get(), "slow connections established");
                ApiClient api = server.client();
                for (int i = 0; i < 10; i++) {
                    long start = System.nanoTime();
                    ApiClient.Reply reply = api.authenticate("device", null, ApiClient.json(Map.of("id", "device-" + UUID.randomUUID())));
                    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                    assertEquals(200, reply.status(), reply.toString());
                    assertTrue(millis < 5000, "a normal request waited " + millis + " ms");
                }
                for (Future<?> client : slow) {
                    client.get(30, TimeUnit.SECONDS);
                }
                assertEquals(SLOW, cutOff.get(), "every slow client is cut off by its deadline");
            } finally {
                threads.shutdownNow();
            }
        }
    }

    @Test
    void pastTheHighWaterMarkNoConnectionIsServedUntilTheLowWaterMark() throws Exception {
        try (TestServer server = TestServer.start(dir, "--socket.connections_high_water=" + CAP,
                "--socket.connections_low_water=" + (CAP - 4))) {
            List<Socket> held = new ArrayList<>();
            try {
                // XNIO spreads the mark over its accepting IO threads: somewhere at or below the cap,
                // a new connection is no longer served
                Socket waiting = null;
                while (waiting == null) {
                    Socket socket = new Socket("127.0.0.1", server.port());
                    socket.setSoTimeout(1000);
                    socket.getOutputStream().write(healthcheck());
                    try {
                        assertTrue(readHead(socket.getInputStream()).startsWith("HTTP/1.1 200"));
                        held.add(socket);
                    } catch (java.net.SocketTimeoutException notAccepted) {
                        waiting = socket;
                    }
                    assertTrue(held.size() <= CAP, held.size() + " connections served, past the high-water mark");
                }
                assertTrue(held.size() >= CAP / 2, "only " + held.size() + " connections served");
                try (Socket extra = waiting) {
                    for (Socket socket : held) {
                        socket.close();
                    }
                    extra.setSoTimeout(5000);
                    assertTrue(readHead(extra.getInputStream()).startsWith("HTTP/1.1 200"));
                }
            } finally {
                for (Socket socket : held) {
                    socket.close();
                }
            }
        }
    }

    private static byte[] healthcheck() {
        return "GET /healthcheck HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    }

    /** The status line and headers, and the two-byte {} body of a health check. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        in.readNBytes(2);
        return head.toString();
    }

    /**
     * Opens a connection and sends one byte of the request every 100 ms (in the headers, or in the
     * body after complete headers), until the server closes the connection or 20 s pass.
     */
    private static Void trickle(int port, boolean inBody, AtomicInteger holding, AtomicInteger cutOff) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(100);
            holding.incrementAndGet();
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            String head = "POST /v2/account/authenticate/device HTTP/1.1\r\nHost: x\r\nAuthorization: "
                    + ApiClient.basic("defaultkey") + "\r\nContent-Length: 1000\r\n\r\n";
            if (inBody) {
                out.write(head.getBytes(StandardCharsets.US_ASCII));
            }
            byte[] trickled = inBody ? "{\"id\":\"".repeat(200).getBytes(StandardCharsets.US_ASCII) : head.getBytes(StandardCharsets.US_ASCII);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            StringBuilder answer = new StringBuilder();
            for (int i = 0; System.nanoTime() < until; i++) {
                try {
                    out.write(trickled[i % trickled.length]);
                    out.flush();
                } catch (IOException closed) {
                    cutOff.incrementAndGet();
                    return null;
                }
                try {
                    int read = in.read();
                    if (read < 0) {
                        cutOff.incrementAndGet();
                        return null;
                    }
                    answer.append((char) read);
                    // a body too slow gets 408 before the connection closes
                    if (answer.toString().startsWith("HTTP/1.1 408")) {
                        cutOff.incrementAndGet();
                        return null;
                    }
                } catch (java.net.SocketTimeoutException stillOpen) {
                    // nothing from the server yet: go on trickling
                } catch (IOException reset) {
                    cutOff.incrementAndGet();
                    return null;
                }
            }
            return null;
        }
    }
}
