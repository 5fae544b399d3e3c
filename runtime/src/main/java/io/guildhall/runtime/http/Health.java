package io.guildhall.runtime.http;

import io.guildhall.spi.ApiException;
import io.guildhall.spi.Code;
import io.undertow.server.HttpServerExchange;

import java.util.function.BooleanSupplier;

/**
 * Health and readiness answers for load balancers: {@code {}} with 200, or a JSON 503. Every listener
 * answers from the same two flags: healthy while writes can be made durable, ready while also not
 * draining. Both are cheap reads, answered on the IO thread.
 */
public final class Health {
    private final BooleanSupplier healthy;
    private final BooleanSupplier ready;

    public Health(BooleanSupplier healthy, BooleanSupplier ready) {
        this.healthy = healthy;
        this.ready = ready;
    }

    /** {@code GET /healthcheck}. */
    public void health(HttpServerExchange exchange) {
        answer(exchange, healthy.getAsBoolean());
    }

    /** {@code GET /readycheck}. */
    public void readiness(HttpServerExchange exchange) {
        answer(exchange, ready.getAsBoolean() && healthy.getAsBoolean());
    }

    public static void answer(HttpServerExchange exchange, boolean ok) {
        if (ok) {
            Responses.emptyObject(exchange);
        } else {
            Responses.error(exchange, new ApiException(Code.UNAVAILABLE, "Service unavailable."));
        }
    }
}
