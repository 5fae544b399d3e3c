package io.guildhall.runtime.http;

import io.guildhall.spi.Code;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

/**
 * Decodes a {@code gzip} or {@code deflate} request body, refusing it as soon as the decoded size
 * passes the body limit: a small compressed body can inflate to hundreds of megabytes.
 */
final class BodyDecoder {
    private BodyDecoder() {
    }

    static boolean supports(String coding) {
        return coding.equals("gzip") || coding.equals("x-gzip") || coding.equals("deflate");
    }

    /** The body as sent when it has no content coding, else decoded (413 past {@code maxBytes}, 400 when corrupt). */
    static byte[] decode(HttpServerExchange exchange, byte[] body, long maxBytes) {
        HeaderValues values = exchange.getRequestHeaders().get(Headers.CONTENT_ENCODING);
        if (values == null || body.length == 0) {
            return body;
        }
        List<String> codings = HttpRules.codings(values);
        codings.remove("identity");
        if (codings.isEmpty()) {
            return body;
        }
        try (InputStream in = codings.get(0).equals("deflate")
                ? new InflaterInputStream(new ByteArrayInputStream(body))
                : new GZIPInputStream(new ByteArrayInputStream(body))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(body.length * 4, 1 << 16));
            byte[] buffer = new byte[8192];
            int read;
            while ((read = in.read(buffer)) > 0) {
                if (out.size() + (long) read > maxBytes) {
                    throw new HttpError(413, Code.RESOURCE_EXHAUSTED, "Decoded request body is larger than " + maxBytes + " bytes.");
                }
                out.write(buffer, 0, read);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new HttpError(400, Code.INVALID_ARGUMENT, "Could not decode the request body.");
        }
    }
}
