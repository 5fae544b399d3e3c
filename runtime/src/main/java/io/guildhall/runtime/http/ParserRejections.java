package io.guildhall.runtime.http;

import io.guildhall.spi.Code;
import io.undertow.server.handlers.HostHeaderHandler;
import org.xnio.ChannelListener;
import org.xnio.StreamConnection;
import org.xnio.conduits.AbstractStreamSinkConduit;
import org.xnio.conduits.Conduits;
import org.xnio.conduits.StreamSinkConduit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Answers in JSON what Undertow refuses before any handler runs. Its request parser (a malformed
 * request line, header or {@code %}-escape, headers past its size or count limit) writes one fixed
 * empty 400 straight to the connection, and its Host check (no Host, two Host headers, a malformed
 * one) ends the exchange with an empty 400 whose reason phrase names the fault; neither offers a
 * hook. So each connection's output passes through a conduit that recognises those two responses at
 * the start of a write (every response starts a write: Undertow's pipelining buffer is off, see
 * {@link Listener}) and writes our {@code {"code","message"}} answer in their place. The connection
 * still closes after it, as Undertow intends.
 */
final class ParserRejections {
    /** What Undertow's read listener writes when it cannot parse a request (HttpReadListener.BAD_REQUEST). */
    private static final byte[] UNDERTOW_BAD_REQUEST =
            "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STATUS_400 = "HTTP/1.x 400 ".getBytes(StandardCharsets.US_ASCII);

    private final byte[] unparseable;
    /** Undertow's Host reason phrase (status line) to our answer. */
    private final Map<String, byte[]> hostFaults;

    /** @param maxHeaderBytes the parser's own limit on the request line and headers, named in the answer */
    ParserRejections(int maxHeaderBytes, int maxHeaderCount) {
        this.unparseable = answer("The request could not be parsed: its request line, a %-escape in its URL or a header is"
                + " malformed, or its request line and headers exceed " + maxHeaderBytes + " bytes or "
                + maxHeaderCount + " fields.");
        byte[] malformed = answer("The Host header is malformed.");
        this.hostFaults = Map.of(
                HostHeaderHandler.STATUS_NO_HOST_HEADER, answer("An HTTP/1.1 request must have a Host header."),
                HostHeaderHandler.STATUS_TOO_MANY_HOST_HEADERS, answer("A request may have only one Host header."),
                HostHeaderHandler.STATUS_MALFORMED_PORT, malformed,
                HostHeaderHandler.STATUS_MALFORMED_IP_LITERAL, malformed,
                HostHeaderHandler.STATUS_MALFORMED_IP_LITERAL_BAD_CHARS, malformed,
                HostHeaderHandler.STATUS_HOST_NO_MATCH, answer("The Host header does not match the request's URL."));
    }

    /** Installs the conduit on each new connection, then hands the connection to {@code open}. */
    ChannelListener<StreamConnection> wrap(ChannelListener<? super StreamConnection> open) {
        return connection -> {
            var sink = connection.getSinkChannel();
            sink.setConduit(conduit(sink.getConduit()));
            open.handleEvent(connection);
        };
    }

    /** The conduit one connection's output passes through. */
    StreamSinkConduit conduit(StreamSinkConduit next) {
        return new Conduit(next);
    }

    /** A whole response: 400 code 3 with a JSON body, closing the connection. */
    private static byte[] answer(String message) {
        var node = Json.MAPPER.createObjectNode();
        node.put("code", Code.INVALID_ARGUMENT.number());
        node.put("message", message);
        byte[] body = Json.bytes(node);
        byte[] head = ("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: application/json\r\n"
                + "Cache-Control: no-store, no-cache, must-revalidate\r\nAccess-Control-Allow-Origin: *\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] whole = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, whole, head.length, body.length);
        return whole;
    }

    /** Our answer in place of the response starting in {@code buffer}, or null when it is not one of Undertow's rejections. */
    private byte[] replacementFor(ByteBuffer buffer) {
        int start = buffer.position();
        int length = buffer.remaining();
        if (length < STATUS_400.length || buffer.get(start) != 'H' || !startsWith400(buffer, start)) {
            return null; // the common case costs one or two byte comparisons
        }
        if (length == UNDERTOW_BAD_REQUEST.length && buffer.equals(ByteBuffer.wrap(UNDERTOW_BAD_REQUEST))) {
            return unparseable;
        }
        int lineEnd = start + STATUS_400.length;
        int limit = Math.min(buffer.limit(), lineEnd + 64);
        while (lineEnd < limit && buffer.get(lineEnd) != '\r') {
            lineEnd++;
        }
        byte[] reason = new byte[lineEnd - start - STATUS_400.length];
        buffer.get(start + STATUS_400.length, reason);
        return hostFaults.get(new String(reason, StandardCharsets.US_ASCII));
    }

    /** "HTTP/1.0 400 " or "HTTP/1.1 400 ". */
    private static boolean startsWith400(ByteBuffer buffer, int start) {
        for (int i = 0; i < STATUS_400.length; i++) {
            byte b = buffer.get(start + i);
            if (b != STATUS_400[i] && !(i == 7 && (b == '0' || b == '1'))) {
                return false;
            }
        }
        return true;
    }

    /** One connection's output: passes everything through, except Undertow's rejections, which it replaces. */
    private final class Conduit extends AbstractStreamSinkConduit<StreamSinkConduit> {
        /** Our answer while it is being written in place of Undertow's. */
        private ByteBuffer replacement;

        Conduit(StreamSinkConduit next) {
            super(next);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (replacement == null && !replaces(src)) {
                return next.write(src);
            }
            if (!writeReplacement()) {
                return 0;
            }
            int consumed = src.remaining();
            src.position(src.limit());
            return consumed;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offs, int len) throws IOException {
            if (replacement == null) {
                ByteBuffer first = null;
                for (int i = offs; i < offs + len && first == null; i++) {
                    first = srcs[i].hasRemaining() ? srcs[i] : null;
                }
                if (first == null || !replaces(first)) {
                    return next.write(srcs, offs, len);
                }
            }
            if (!writeReplacement()) {
                return 0;
            }
            long consumed = 0;
            for (int i = offs; i < offs + len; i++) {
                consumed += srcs[i].remaining();
                srcs[i].position(srcs[i].limit());
            }
            return consumed;
        }

        @Override
        public int writeFinal(ByteBuffer src) throws IOException {
            return Conduits.writeFinalBasic(this, src);
        }

        @Override
        public long writeFinal(ByteBuffer[] srcs, int offs, int len) throws IOException {
            return Conduits.writeFinalBasic(this, srcs, offs, len);
        }

        private boolean replaces(ByteBuffer src) {
            byte[] answer = replacementFor(src);
            if (answer == null) {
                return false;
            }
            replacement = ByteBuffer.wrap(answer);
            return true;
        }

        /** True once all of our answer is written; the caller then reports Undertow's bytes as written. */
        private boolean writeReplacement() throws IOException {
            while (replacement.hasRemaining()) {
                if (next.write(replacement) == 0) {
                    return false;
                }
            }
            replacement = null;
            return true;
        }
    }
}
