package io.guildhall.runtime.http;

import io.guildhall.spi.ApiException;
import io.guildhall.spi.Code;
import io.undertow.server.HttpServerExchange;

/** Health and readiness answers for load balancers: {@code {}} with 200, or a JSON 503. */
public final class Health {
    private Health() {
    }

    public static void answer(HttpServerExchange exchange, boolean ok) {
        if (ok) {
            Responses.emptyObject(exchange);
        } else {
            Responses.error(exchange, new ApiException(Code.UNAVAILABLE, "Service unavailable."));
        }
    }
}
