package io.guildhall.runtime.http;

import io.guildhall.spi.Code;
import io.undertow.predicate.Predicates;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.HttpContinueReadHandler;
import io.undertow.server.handlers.encoding.ContentEncodingRepository;
import io.undertow.server.handlers.encoding.EncodingHandler;
import io.undertow.server.handlers.encoding.GzipEncodingProvider;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The front of every listener's handler chain: refuses requests whose framing or headers the server
 * will not guess at (each with a JSON error), sends {@code 100 Continue} when a body is first read,
 * and gzips responses large enough to gain when the client accepts it.
 */
public final class HttpRules implements HttpHandler {
    /** Responses smaller than this are sent as they are: gzip would gain little or nothing. */
    static final int GZIP_MIN_BYTES = 1024;

    private final ListenerSettings settings;
    private final HttpHandler next;

    private HttpRules(ListenerSettings settings, HttpHandler next) {
        this.settings = settings;
        this.next = new HttpContinueReadHandler(new EncodingHandler(next, new ContentEncodingRepository()
                .addEncodingHandler("gzip", new GzipEncodingProvider(), 50, Predicates.maxContentSize(GZIP_MIN_BYTES))));
    }

    public static HttpHandler wrap(ListenerSettings settings, HttpHandler next) {
        return new HttpRules(settings, next);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        HttpError refused = check(exchange);
        if (refused != null) {
            // what follows this request on the connection cannot be trusted to be framed as we think
            exchange.setPersistent(false);
            Responses.error(exchange, refused);
            return;
        }
        next.handleRequest(exchange);
    }

    private HttpError check(HttpServerExchange exchange) {
        // Undertow's parser serves versions it does not know as HTTP/1.1, but passes "HTTP/0.9" on
        // (and would answer it with headers, which HTTP/0.9 never had)
        if (!exchange.isHttp11() && !exchange.isHttp10()) {
            return new HttpError(505, Code.INVALID_ARGUMENT, "HTTP version " + exchange.getProtocol()
                    + " is not supported: send HTTP/1.1 or HTTP/1.0.");
        }
        var headers = exchange.getRequestHeaders();
        if (headers.size() > ListenerSettings.MAX_HEADER_COUNT) {
            return new HttpError(431, Code.INVALID_ARGUMENT, "Too many header fields: at most "
                    + ListenerSettings.MAX_HEADER_COUNT + " are allowed.");
        }
        long uriLength = exchange.getRequestURI().length() + exchange.getQueryString().length();
        if (uriLength > settings.maxHeaderBytes()) {
            return new HttpError(414, Code.INVALID_ARGUMENT, "Request URI is too long.");
        }
        long headerBytes = uriLength;
        for (HeaderValues values : headers) {
            for (String value : values) {
                headerBytes += values.getHeaderName().length() + value.length() + 4;
            }
        }
        if (headerBytes > settings.maxHeaderBytes()) {
            return new HttpError(431, Code.INVALID_ARGUMENT, "Request headers are larger than "
                    + settings.maxHeaderBytes() + " bytes.");
        }
        HttpError framing = transferEncoding(headers.get(Headers.TRANSFER_ENCODING));
        if (framing != null) {
            return framing;
        }
        return contentEncoding(headers.get(Headers.CONTENT_ENCODING));
    }

    /** Only {@code chunked} frames a request body; a coding before it is not supported, one after it is malformed. */
    private static HttpError transferEncoding(HeaderValues values) {
        if (values == null) {
            return null;
        }
        List<String> codings = codings(values);
        if (codings.equals(List.of("chunked"))) {
            return null;
        }
        if (codings.contains("chunked") && !codings.get(codings.size() - 1).equals("chunked")) {
            return new HttpError(400, Code.INVALID_ARGUMENT, "Transfer-Encoding must end with chunked.");
        }
        return new HttpError(501, Code.UNIMPLEMENTED, "Transfer-Encoding other than chunked is not supported.");
    }

    /** One content coding at most, and one the server decodes (see {@link BodyDecoder}). */
    private static HttpError contentEncoding(HeaderValues values) {
        if (values == null) {
            return null;
        }
        List<String> codings = codings(values);
        codings.remove("identity");
        if (codings.isEmpty() || codings.size() == 1 && BodyDecoder.supports(codings.get(0))) {
            return null;
        }
        return new HttpError(415, Code.INVALID_ARGUMENT, "Content-Encoding must be gzip or deflate.");
    }

    static List<String> codings(HeaderValues values) {
        List<String> codings = new ArrayList<>();
        for (String value : values) {
            for (String coding : value.split(",")) {
                codings.add(coding.trim().toLowerCase(Locale.ROOT));
            }
        }
        return codings;
    }
}
