package io.guildhall.runtime.api;

import io.guildhall.runtime.account.AccountService;
import io.guildhall.runtime.http.ApiHandler;
import io.guildhall.runtime.http.Auth;
import io.guildhall.runtime.http.Authenticator;
import io.guildhall.runtime.http.Continue;
import io.guildhall.runtime.http.Endpoint;
import io.guildhall.runtime.http.Execution;
import io.guildhall.runtime.http.Health;
import io.guildhall.runtime.http.HttpError;
import io.guildhall.runtime.http.ListenerSettings;
import io.guildhall.runtime.http.Responses;
import io.guildhall.runtime.plugin.PluginHost;
import io.guildhall.runtime.session.RefreshRotation;
import io.guildhall.runtime.session.Revocations;
import io.guildhall.runtime.session.TokenService;
import io.undertow.server.HttpHandler;
import io.undertow.server.RoutingHandler;
import io.undertow.util.Methods;

import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/** The game API's route table (port 7350), with JSON answers for unknown paths and methods. */
public final class ApiRoutes {
    private final Authenticator authenticator;
    private final Executor workers;
    private final ListenerSettings listener;

    /**
     * What the game API is configured with besides its collaborators.
     *
     * @param healthy true while the server can make writes durable ({@code /healthcheck})
     * @param ready   true while it also takes new requests (false while draining: {@code /readycheck})
     */
    public record Options(boolean singleSession, long memoBytes, ListenerSettings listener,
                          BooleanSupplier healthy, BooleanSupplier ready) {
    }

    private ApiRoutes(Authenticator authenticator, Executor workers, ListenerSettings listener) {
        this.authenticator = authenticator;
        this.workers = workers;
        this.listener = listener;
    }

    public static HttpHandler build(PluginHost plugins, AccountService accounts, TokenService tokens,
                                    Revocations revocations, RefreshRotation rotation, Authenticator authenticator,
                                    Options options, Executor workers) {
        ApiRoutes routes = new ApiRoutes(authenticator, workers, options.listener());
        Continue then = new Continue(workers);
        Sessions sessions = new Sessions(tokens, revocations, options.singleSession(), then);
        IdentityApi identity = new IdentityApi(plugins, accounts, sessions, then);
        SessionApi session = new SessionApi(tokens, revocations, accounts, rotation, then, options.memoBytes());
        AccountApi account = new AccountApi(accounts, new AccountJson(plugins), then, options.memoBytes());

        RoutingHandler router = new RoutingHandler()
                .get("/", exchange -> exchange.endExchange())
                // Answered on the IO thread from flags: nothing to read, nothing to wait for.
                .get("/healthcheck", exchange -> Health.answer(exchange, options.healthy().getAsBoolean()))
                .get("/readycheck", exchange -> Health.answer(exchange,
                        options.ready().getAsBoolean() && options.healthy().getAsBoolean()))
                .post("/v2/account/authenticate/{provider}", routes.handler(Auth.SERVER_KEY, Execution.IO_THREAD, identity::authenticate))
                .post("/v2/account/link/{provider}", routes.handler(Auth.SESSION, Execution.WORKER, identity::link))
                .post("/v2/account/unlink/{provider}", routes.handler(Auth.SESSION, Execution.WORKER, identity::unlink))
                .post("/v2/account/session/refresh", routes.handler(Auth.SERVER_KEY, Execution.IO_THREAD, session::refresh))
                .post("/v2/session/logout", routes.handler(Auth.SESSION, Execution.WORKER, session::logout))
                .get("/v2/account", routes.handler(Auth.SESSION, Execution.IO_THREAD, account::get))
                .put("/v2/account", routes.handler(Auth.SESSION, Execution.WORKER, account::update))
                .delete("/v2/account", routes.handler(Auth.SESSION, Execution.WORKER, account::delete))
                .get("/v2/user", routes.handler(Auth.SESSION, Execution.IO_THREAD, account::users))
                .setFallbackHandler(exchange -> Responses.error(exchange, HttpError.notFound()))
                .setInvalidMethodHandler(exchange -> Responses.error(exchange, HttpError.methodNotAllowed()));

        return exchange -> {
            if (exchange.getRequestMethod().equals(Methods.OPTIONS)) {
                Responses.preflight(exchange);
            } else {
                router.handleRequest(exchange);
            }
        };
    }

    private HttpHandler handler(Auth auth, Execution execution, Endpoint endpoint) {
        return new ApiHandler(auth, execution, endpoint, authenticator, workers, listener);
    }
}
