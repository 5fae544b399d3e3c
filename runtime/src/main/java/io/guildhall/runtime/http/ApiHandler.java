package io.guildhall.runtime.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.SameThreadExecutor;
import io.undertow.util.Headers;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Runs one endpoint for Undertow: reads the body on the IO thread (bounded), then authenticates
 * and handles the call on a worker, and answers when the endpoint's future completes. Nothing
 * blocks an IO thread; writes wait for the store's group commit without holding a thread.
 */
public final class ApiHandler implements HttpHandler {
    private static final byte[] NO_BODY = new byte[0];

    private final Guard guard;
    private final Execution execution;
    private final Endpoint endpoint;
    private final Executor workers;
    private final long maxBodyBytes;

    public ApiHandler(Guard guard, Execution execution, Endpoint endpoint, Executor workers, long maxBodyBytes) {
        this.guard = guard;
        this.execution = execution;
        this.endpoint = endpoint;
        this.workers = workers;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        long declared = exchange.getRequestContentLength();
        if (declared > maxBodyBytes) {
            Responses.error(exchange, HttpError.tooLarge(maxBodyBytes));
            return;
        }
        boolean hasBody = declared > 0 || exchange.getRequestHeaders().contains(Headers.TRANSFER_ENCODING);
        if (!hasBody) {
            start(exchange, NO_BODY);
            return;
        }
        readBody(exchange, declared);
    }

    /**
     * Collects the body, counting bytes as they arrive so that a chunked body is refused with 413
     * as soon as it crosses the limit (Undertow's own limit would drop the connection unanswered).
     */
    private void readBody(HttpServerExchange exchange, long declared) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(declared > 0 ? (int) declared : 512);
        exchange.getRequestReceiver().receivePartialBytes((ex, chunk, last) -> {
            if (body.size() + (long) chunk.length > maxBodyBytes) {
                ex.getRequestReceiver().pause();
                Responses.error(ex, HttpError.tooLarge(maxBodyBytes));
                return;
            }
            if (last && body.size() == 0) {
                start(ex, chunk); // the whole body arrived at once: no copy
                return;
            }
            body.write(chunk, 0, chunk.length);
            if (last) {
                start(ex, body.toByteArray());
            }
        }, (ex, failure) -> Responses.error(ex, HttpError.invalidBody()));
    }

    private void start(HttpServerExchange exchange, byte[] body) {
        if (execution == Execution.IO_THREAD) {
            run(exchange, body);
        } else {
            exchange.dispatch(workers, () -> run(exchange, body));
        }
    }

    private void run(HttpServerExchange exchange, byte[] body) {
        CompletableFuture<?> result;
        try {
            Call call = new Call(exchange, body);
            guard.check(call);
            result = endpoint.handle(call);
        } catch (Throwable failure) {
            Responses.error(exchange, failure);
            return;
        }
        if (result.isDone()) {
            reply(exchange, result);
        } else {
            // Marks the exchange dispatched, or Undertow would end it with an empty 200 when the IO
            // thread's handler returns; the reply is written on the connection's IO thread.
            exchange.dispatch(SameThreadExecutor.INSTANCE, () -> result.whenComplete(
                    (value, failure) -> exchange.getIoThread().execute(() -> reply(exchange, result))));
        }
    }

    private static void reply(HttpServerExchange exchange, CompletableFuture<?> result) {
        Object value;
        try {
            value = result.join();
        } catch (Throwable failure) {
            Responses.error(exchange, failure);
            return;
        }
        Responses.json(exchange, value);
    }
}
