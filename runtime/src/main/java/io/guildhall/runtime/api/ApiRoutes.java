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
import io.guildhall.runtime.module.Hooks;
import io.guildhall.runtime.plugin.PluginHost;
import io.guildhall.spi.module.ApiOperation;
import io.guildhall.spi.module.Operations;
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
    private final Hooks hooks;

    /**
     * What the game API is configured with besides its collaborators.
     *
     * @param healthy true while the server can make writes durable ({@code /healthcheck})
     * @param ready   true while it also takes new requests (false while draining: {@code /readycheck})
     */
    public record Options(boolean singleSession, long memoBytes, ListenerSettings listener,
                          BooleanSupplier healthy, BooleanSupplier ready) {
    }

    private ApiRoutes(Authenticator authenticator, Executor workers, ListenerSettings listener, Hooks hooks) {
        this.authenticator = authenticator;
        this.workers = workers;
        this.listener = listener;
        this.hooks = hooks;
    }

    public static HttpHandler build(PluginHost plugins, AccountService accounts, TokenService tokens,
                                    Revocations revocations, RefreshRotation rotation, Authenticator authenticator,
                                    Options options, Executor workers, String httpKey) {
        ApiRoutes routes = new ApiRoutes(authenticator, workers, options.listener(), plugins.hooks());
        Continue then = new Continue(workers);
        Sessions sessions = new Sessions(tokens, revocations, options.singleSession(), then);
        IdentityApi identity = new IdentityApi(plugins, accounts, sessions, then);
        SessionApi session = new SessionApi(tokens, revocations, accounts, rotation, then, options.memoBytes());
        AccountApi account = new AccountApi(accounts, new AccountJson(plugins), then, options.memoBytes());
        RpcApi rpc = new RpcApi(plugins.rpcs(), httpKey, authenticator);

        RoutingHandler router = new RoutingHandler()
                .get("/", exchange -> exchange.endExchange())
                // Answered on the IO thread from flags: nothing to read, nothing to wait for.
                .get("/healthcheck", exchange -> Health.answer(exchange, options.healthy().getAsBoolean()))
                .get("/readycheck", exchange -> Health.answer(exchange,
                        options.ready().getAsBoolean() && options.healthy().getAsBoolean()))
                .post("/v2/account/authenticate/{provider}", routes.handler(Auth.SERVER_KEY, Execution.IO_THREAD, identity::authenticate))
                .post("/v2/account/link/{provider}", routes.handler(Auth.SESSION, Execution.WORKER, identity::link))
                .post("/v2/account/unlink/{provider}", routes.handler(Auth.SESSION, Execution.WORKER, identity::unlink))
                .post("/v2/account/session/refresh", routes.hookable(Auth.SERVER_KEY, Execution.IO_THREAD, session::refresh,
                        Operations.SESSION_REFRESH, HookMappings.refresh(tokens)))
                .post("/v2/session/logout", routes.hookable(Auth.SESSION, Execution.WORKER, session::logout,
                        Operations.SESSION_LOGOUT, HookMappings.logout()))
                .get("/v2/account", routes.hookable(Auth.SESSION, Execution.IO_THREAD, account::get,
                        Operations.ACCOUNT_GET, HookMappings.accountGet(accounts)))
                .put("/v2/account", routes.hookable(Auth.SESSION, Execution.WORKER, account::update,
                        Operations.ACCOUNT_UPDATE, HookMappings.accountUpdate()))
                .delete("/v2/account", routes.hookable(Auth.SESSION, Execution.WORKER, account::delete,
                        Operations.ACCOUNT_DELETE, HookMappings.accountDelete()))
                .get("/v2/user", routes.handler(Auth.SESSION, Execution.IO_THREAD, account::users))
                // RPCs check their own credentials: the runtime HTTP key or a session.
                .post("/v2/rpc/{id}", routes.handler(Auth.NONE, Execution.WORKER, rpc::call))
                .get("/v2/rpc/{id}", routes.handler(Auth.NONE, Execution.WORKER, rpc::call))
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

    /** The endpoint as it is when no module hooks the operation; else its typed path, on a worker. */
    private <Q, R> HttpHandler hookable(Auth auth, Execution execution, Endpoint endpoint, ApiOperation<Q, R> operation,
                                       HookedEndpoint.Mapping<Q, R> mapping) {
        if (!hooks.any(operation)) {
            return handler(auth, execution, endpoint);
        }
        return handler(auth, Execution.WORKER, new HookedEndpoint<>(operation, hooks, mapping, endpoint));
    }

    private HttpHandler handler(Auth auth, Execution execution, Endpoint endpoint) {
        return new ApiHandler(auth, execution, endpoint, authenticator, workers, listener);
    }
}
