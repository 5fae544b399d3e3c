package io.guildhall.runtime.http;

import io.guildhall.runtime.store.StoreException;
import io.guildhall.spi.ApiException;
import io.guildhall.spi.Code;
import io.undertow.io.IoCallback;
import io.undertow.io.Sender;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Writes JSON responses and {@code {"code","message"}} errors; the only place that does. */
public final class Responses {
    private static final Logger LOG = LoggerFactory.getLogger(Responses.class);
    private static final byte[] EMPTY_OBJECT = "{}".getBytes(StandardCharsets.US_ASCII);
    private static final HttpString WWW_AUTHENTICATE = new HttpString("WWW-Authenticate");
    private static final HttpString RETRY_AFTER = new HttpString("Retry-After");
    private static final HttpString ALLOW_ORIGIN = new HttpString("Access-Control-Allow-Origin");
    private static final HttpString ALLOW_HEADERS = new HttpString("Access-Control-Allow-Headers");
    private static final HttpString ALLOW_METHODS = new HttpString("Access-Control-Allow-Methods");

    private Responses() {
    }

    /** Answers 200 with the body encoded as JSON; a byte array is taken as JSON already encoded. */
    public static void json(HttpServerExchange exchange, Object body) {
        if (body instanceof RawReply raw) {
            exchange.setStatusCode(200);
            exchange.getResponseHeaders().put(io.undertow.util.Headers.CONTENT_TYPE, raw.contentType())
                    .put(ALLOW_ORIGIN, "*");
            exchange.getResponseSender().send(java.nio.ByteBuffer.wrap(raw.body()));
            return;
        }
        byte[] bytes = body == null ? EMPTY_OBJECT : body instanceof byte[] encoded ? encoded : Json.bytes(body);
        send(exchange, 200, bytes);
    }

    /** Answers a CORS preflight: any origin, the headers and methods the SDKs use. */
    public static void preflight(HttpServerExchange exchange) {
        exchange.getResponseHeaders()
                .put(ALLOW_ORIGIN, "*")
                .put(ALLOW_HEADERS, "Authorization, Content-Type, User-Agent")
                .put(ALLOW_METHODS, "GET, HEAD, POST, PUT, DELETE");
        exchange.setStatusCode(204);
        exchange.endExchange();
    }

    public static void emptyObject(HttpServerExchange exchange) {
        send(exchange, 200, EMPTY_OBJECT);
    }

    /** Answers a failure; anything that is not an ApiException is logged and becomes a bare 500. */
    public static void error(HttpServerExchange exchange, Throwable failure) {
        error(exchange, failure, IoCallback.END_EXCHANGE);
    }

    /**
     * As above, then runs {@code written} (on the IO thread) once the answer is written, instead of
     * ending the exchange: the caller ends it, e.g. after draining the rest of a refused body.
     */
    static void errorThen(HttpServerExchange exchange, Throwable failure, Runnable written) {
        error(exchange, failure, new IoCallback() {
            @Override
            public void onComplete(HttpServerExchange ex, Sender sender) {
                written.run();
            }

            @Override
            public void onException(HttpServerExchange ex, Sender sender, java.io.IOException exception) {
                IoCallback.END_EXCHANGE.onException(ex, sender, exception);
            }
        });
    }

    private static void error(HttpServerExchange exchange, Throwable failure, IoCallback callback) {
        Throwable cause = unwrap(failure);
        ApiException error;
        if (cause instanceof ApiException api) {
            error = api;
        } else if (cause instanceof StoreException) {
            LOG.error("Storage failure on {} {}", exchange.getRequestMethod(), exchange.getRequestPath(), cause);
            error = new ApiException(Code.UNAVAILABLE, "Storage is unavailable.");
        } else {
            LOG.error("Unexpected failure on {} {}", exchange.getRequestMethod(), exchange.getRequestPath(), cause);
            error = new ApiException(Code.INTERNAL, "Internal server error.");
        }
        int status = error instanceof HttpError http ? http.status() : HttpStatus.of(error.code());
        if (status == 413) {
            // The rest of the body is never read, so this connection cannot carry another request.
            exchange.setPersistent(false);
        }
        if (error instanceof Throttled throttled) {
            exchange.getResponseHeaders().put(RETRY_AFTER, Long.toString(throttled.retryAfterSec()));
        }
        if (error.code() == Code.UNAUTHENTICATED) {
            exchange.getResponseHeaders().put(WWW_AUTHENTICATE, error.getMessage());
        }
        var body = Json.MAPPER.createObjectNode();
        body.put("code", error.code().number());
        body.put("message", error.getMessage());
        send(exchange, status, Json.bytes(body), callback);
    }

    static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static void send(HttpServerExchange exchange, int status, byte[] bytes) {
        send(exchange, status, bytes, IoCallback.END_EXCHANGE);
    }

    private static void send(HttpServerExchange exchange, int status, byte[] bytes, IoCallback callback) {
        if (exchange.isResponseStarted()) {
            exchange.endExchange();
            return;
        }
        exchange.setStatusCode(status);
        var headers = exchange.getResponseHeaders();
        headers.put(Headers.CONTENT_TYPE, "application/json");
        headers.put(Headers.CACHE_CONTROL, "no-store, no-cache, must-revalidate");
        headers.put(ALLOW_ORIGIN, "*");
        // known before the body is written, so that gzip is chosen by size (see HttpRules)
        headers.put(Headers.CONTENT_LENGTH, bytes.length);
        exchange.getResponseSender().send(ByteBuffer.wrap(bytes), callback);
    }
}
