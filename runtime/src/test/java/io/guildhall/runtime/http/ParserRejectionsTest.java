package io.guildhall.runtime.http;

import org.junit.jupiter.api.Test;
import org.xnio.conduits.StreamSinkConduit;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The output conduit when the socket takes only a few bytes at a time (a slow client, a full buffer). */
class ParserRejectionsTest {
    private static final String UNDERTOW_BAD_REQUEST = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

    /** A socket that accepts at most five bytes per write, and nothing on every other call. */
    private static StreamSinkConduit trickle(ByteArrayOutputStream out, int[] zeroWrites) {
        boolean[] full = {false};
        return (StreamSinkConduit) Proxy.newProxyInstance(StreamSinkConduit.class.getClassLoader(),
                new Class<?>[]{StreamSinkConduit.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("write")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    full[0] = !full[0];
                    if (full[0]) {
                        zeroWrites[0]++;
                        return args[0] instanceof ByteBuffer ? (Object) 0 : (Object) 0L;
                    }
                    ByteBuffer src = args[0] instanceof ByteBuffer one ? one : firstWithData((ByteBuffer[]) args[0]);
                    int n = src == null ? 0 : Math.min(5, src.remaining());
                    for (int i = 0; i < n; i++) {
                        out.write(src.get());
                    }
                    return args[0] instanceof ByteBuffer ? (Object) n : (Object) (long) n;
                });
    }

    private static ByteBuffer firstWithData(ByteBuffer[] buffers) {
        for (ByteBuffer buffer : buffers) {
            if (buffer.hasRemaining()) {
                return buffer;
            }
        }
        return null;
    }

    /** Writes as Undertow's writers do: the same buffer again until it is all taken. */
    private static void writeAll(StreamSinkConduit conduit, ByteBuffer... buffers) throws Exception {
        while (firstWithData(buffers) != null) {
            if (buffers.length == 1) {
                conduit.write(buffers[0]);
            } else {
                conduit.write(buffers, 0, buffers.length);
            }
        }
    }

    @Test
    void theParsersFixedAnswerIsReplacedWholeEvenWhenTheSocketTakesItInPieces() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int[] zeroWrites = {0};
        StreamSinkConduit conduit = new ParserRejections(32768, 200).conduit(trickle(out, zeroWrites));
        writeAll(conduit, ByteBuffer.wrap(UNDERTOW_BAD_REQUEST.getBytes(StandardCharsets.US_ASCII)));
        String written = out.toString(StandardCharsets.US_ASCII);
        assertTrue(zeroWrites[0] > 10, "the socket refused writes along the way");
        assertTrue(written.startsWith("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: application/json\r\n"), written);
        String body = written.substring(written.indexOf("\r\n\r\n") + 4);
        assertTrue(written.contains("Content-Length: " + body.length() + "\r\n"), written);
        assertTrue(body.startsWith("{\"code\":3,\"message\":\"The request could not be parsed"), body);
        assertTrue(body.contains("32768 bytes or 200 fields"), body);
    }

    @Test
    void aHostRejectionInAGatheringWriteIsReplacedAndOtherResponsesPassUntouched() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StreamSinkConduit conduit = new ParserRejections(32768, 200).conduit(trickle(out, new int[1]));
        String ours = "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n";
        writeAll(conduit, ByteBuffer.wrap(ours.getBytes(StandardCharsets.US_ASCII)), ByteBuffer.wrap("{}".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(ours + "{}", out.toString(StandardCharsets.US_ASCII));
        out.reset();
        writeAll(conduit, ByteBuffer.allocate(0), ByteBuffer.wrap(
                "HTTP/1.0 400 Only One Host Header Allowed\r\nConnection: close\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        String written = out.toString(StandardCharsets.US_ASCII);
        assertTrue(written.endsWith("{\"code\":3,\"message\":\"A request may have only one Host header.\"}"), written);
        out.reset();
        writeAll(conduit, ByteBuffer.wrap("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", out.toString(StandardCharsets.US_ASCII));
    }
}
