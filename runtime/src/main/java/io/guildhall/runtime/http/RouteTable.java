package io.guildhall.runtime.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.RoutingHandler;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;

import java.util.concurrent.Executor;

/**
 * A listener's routes: each an endpoint with its guard and where it runs. Unknown paths answer
 * 404 code 5 and wrong methods 501 code 12 as JSON; OPTIONS is a CORS preflight on every path.
 * Routing looks at the path only, so any query string (even a bare {@code ?} or {@code &}) is fine.
 */
public final class RouteTable {
    /** The matched route's template ({@code /v1/account/{id}}), for per-route request metrics. */
    public static final io.undertow.util.AttachmentKey<String> ROUTE = io.undertow.util.AttachmentKey.create(String.class);

    private final Executor workers;
    private final ListenerSettings settings;
    private final RoutingHandler router = new RoutingHandler()
            .setFallbackHandler(exchange -> Responses.error(exchange, HttpError.notFound()))
            .setInvalidMethodHandler(exchange -> Responses.error(exchange, HttpError.methodNotAllowed()));

    public RouteTable(Executor workers, ListenerSettings settings) {
        this.workers = workers;
        this.settings = settings;
    }

    /** One route, for a surface that serves another surface's route too (console sign-in on the analytics port). */
    public record Route(HttpString method, String path, Guard guard, Execution execution, Endpoint endpoint) {
    }

    public RouteTable add(HttpString method, String path, Guard guard, Execution execution, Endpoint endpoint) {
        router.add(method, path, named(path, new ApiHandler(guard, execution, endpoint, workers, settings)));
        return this;
    }

    public RouteTable add(Route route) {
        return add(route.method(), route.path(), route.guard(), route.execution(), route.endpoint());
    }

    /** A route answered by a plain handler (health checks, the bare root). */
    public RouteTable raw(HttpString method, String path, HttpHandler handler) {
        router.add(method, path, named(path, handler));
        return this;
    }

    private static HttpHandler named(String path, HttpHandler handler) {
        return exchange -> {
            exchange.putAttachment(ROUTE, path);
            handler.handleRequest(exchange);
        };
    }

    public HttpHandler build() {
        return exchange -> {
            if (exchange.getRequestMethod().equals(Methods.OPTIONS)) {
                Responses.preflight(exchange);
            } else {
                router.handleRequest(exchange);
            }
        };
    }
}
