package io.guildhall.runtime.http;

import io.guildhall.spi.Code;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.protocol.http.HttpContinue;
import io.undertow.util.SameThreadExecutor;
import io.undertow.util.Headers;
import org.xnio.XnioExecutor;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Runs one endpoint for Undertow: reads the body on the IO thread (bounded in size and time), then
 * authenticates and handles the call, and answers when the endpoint's future completes. Nothing
 * blocks an IO thread; writes wait for the store's group commit without holding a thread.
 */
public final class ApiHandler implements HttpHandler {
    private static final byte[] NO_BODY = new byte[0];

    private final Guard guard;
    private final Execution execution;
    private final Endpoint endpoint;
    private final Executor workers;
    private final ListenerSettings settings;

    public ApiHandler(Guard guard, Execution execution, Endpoint endpoint, Executor workers, ListenerSettings settings) {
        this.guard = guard;
        this.execution = execution;
        this.endpoint = endpoint;
        this.workers = workers;
        this.settings = settings;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        long declared = exchange.getRequestContentLength();
        long maxBodyBytes = settings.maxBodyBytes();
        if (declared > maxBodyBytes && (HttpContinue.requiresContinueResponse(exchange) || declared > settings.maxDrainBytes())) {
            // the client waits for our go-ahead, or would send more than we drain: answer and close
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
     * Collects the body on the IO thread, counting bytes as they arrive. Past the limit (a chunked
     * body included) the client gets 413 at once, and the rest of its body is read and discarded, up
     * to {@code max_drain_bytes}, before the connection closes: a client that sends its whole body
     * before reading would otherwise see a reset instead of the answer. A body that does not arrive
     * within the body deadline gets 408.
     */
    private void readBody(HttpServerExchange exchange, long declared) {
        long maxBodyBytes = settings.maxBodyBytes();
        ByteArrayOutputStream body = new ByteArrayOutputStream(declared > 0 && declared <= maxBodyBytes ? (int) declared : 512);
        Deadline deadline = Deadline.start(exchange, settings.bodyTimeoutMs());
        Refusal refusal = new Refusal();
        exchange.getRequestReceiver().receivePartialBytes((ex, chunk, last) -> {
            if (deadline.expired()) {
                return;
            }
            if (refusal.started) {
                refusal.drained += chunk.length;
                if (last || refusal.drained > settings.maxDrainBytes()) {
                    deadline.cancel();
                    refusal.drainDone(ex);
                }
                return;
            }
            if (body.size() + (long) chunk.length > maxBodyBytes) {
                refusal.start(ex, body.size() + (long) chunk.length, HttpError.tooLarge(maxBodyBytes));
                if (last) {
                    deadline.cancel();
                    refusal.drainDone(ex);
                }
                return;
            }
            if (last && body.size() == 0) {
                deadline.cancel();
                start(ex, chunk); // the whole body arrived at once: no copy
                return;
            }
            body.write(chunk, 0, chunk.length);
            if (last) {
                deadline.cancel();
                start(ex, body.toByteArray());
            }
        }, (ex, failure) -> {
            deadline.cancel();
            if (refusal.started) {
                refusal.drainDone(ex);
            } else if (!deadline.expired()) {
                Responses.error(ex, HttpError.invalidBody());
            }
        });
    }

    /** A body refused while it still arrives: answered at once, ended once drained and answered. */
    private static final class Refusal {
        boolean started;
        long drained;
        private boolean answered;
        private boolean drainedAll;

        void start(HttpServerExchange exchange, long alreadyRead, HttpError error) {
            started = true;
            drained = alreadyRead;
            exchange.setPersistent(false);
            Responses.errorThen(exchange, error, () -> {
                answered = true;
                if (drainedAll) {
                    exchange.endExchange();
                }
            });
        }

        void drainDone(HttpServerExchange exchange) {
            drainedAll = true;
            exchange.getRequestReceiver().pause();
            if (answered) {
                exchange.endExchange();
            }
        }
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
            Call call = new Call(exchange, BodyDecoder.decode(exchange, body, settings.maxBodyBytes()),
                    settings.clientAddress());
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

    /**
     * The body deadline, run on the connection's IO thread (where the body callbacks also run, so
     * no locking): when it passes first, the client gets 408 and the connection is closed.
     */
    private static final class Deadline {
        private XnioExecutor.Key timer;
        private boolean expired;

        static Deadline start(HttpServerExchange exchange, int timeoutMs) {
            Deadline deadline = new Deadline();
            deadline.timer = exchange.getIoThread().executeAfter(() -> {
                deadline.expired = true;
                exchange.setPersistent(false);
                exchange.getRequestReceiver().pause();
                Responses.error(exchange, new HttpError(408, Code.DEADLINE_EXCEEDED,
                        "The request body did not arrive within " + timeoutMs + " ms."));
            }, timeoutMs, TimeUnit.MILLISECONDS);
            return deadline;
        }

        boolean expired() {
            return expired;
        }

        void cancel() {
            timer.remove();
        }
    }
}
