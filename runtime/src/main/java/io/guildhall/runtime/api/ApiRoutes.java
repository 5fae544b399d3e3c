package io.guildhall.runtime.api;

import io.guildhall.runtime.account.AccountService;
import io.guildhall.runtime.http.Auth;
import io.guildhall.runtime.http.Authenticator;
import io.guildhall.runtime.http.Continue;
import io.guildhall.runtime.http.Endpoint;
import io.guildhall.runtime.http.Execution;
import io.guildhall.runtime.http.Guard;
import io.guildhall.runtime.http.Health;
import io.guildhall.runtime.http.ListenerSettings;
import io.guildhall.runtime.http.RouteTable;
import io.guildhall.runtime.module.Hooks;
import io.guildhall.runtime.plugin.PluginHost;
import io.guildhall.spi.module.ApiOperation;
import io.guildhall.spi.module.Operations;
import io.guildhall.runtime.session.RefreshRotation;
import io.guildhall.runtime.session.Revocations;
import io.guildhall.runtime.session.TokenService;
import io.undertow.server.HttpHandler;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;

import java.util.concurrent.Executor;

/** The game API's route table (port 7350), with JSON answers for unknown paths and methods. */
public final class ApiRoutes {
    private final RouteTable table;
    private final Hooks hooks;

    /**
     * What the game API is configured with besides its collaborators.
     *
     * @param health {@code /healthcheck} and {@code /readycheck}, shared by every listener
     */
    public record Options(boolean singleSession, long memoBytes, ListenerSettings listener, Health health) {
    }

    private ApiRoutes(RouteTable table, Hooks hooks) {
        this.table = table;
        this.hooks = hooks;
    }

    public static HttpHandler build(PluginHost plugins, AccountService accounts, TokenService tokens,
                                    Revocations revocations, RefreshRotation rotation, Authenticator authenticator,
                                    Options options, Executor workers, String httpKey) {
        ApiRoutes routes = new ApiRoutes(new RouteTable(workers, options.listener()), plugins.hooks());
        Continue then = new Continue(workers);
        Sessions sessions = new Sessions(tokens, revocations, options.singleSession(), then);
        IdentityApi identity = new IdentityApi(plugins, accounts, sessions, then);
        SessionApi session = new SessionApi(tokens, revocations, accounts, rotation, then, options.memoBytes());
        AccountApi account = new AccountApi(accounts, new AccountJson(plugins), then, options.memoBytes());
        RpcApi rpc = new RpcApi(plugins.rpcs(), httpKey, authenticator, then);
        Guard serverKey = authenticator.guard(Auth.SERVER_KEY);
        Guard bearer = authenticator.guard(Auth.SESSION);

        routes.table
                .raw(Methods.GET, "/", exchange -> exchange.endExchange())
                // Answered on the IO thread from flags: nothing to read, nothing to wait for.
                .raw(Methods.GET, "/healthcheck", options.health()::health)
                .raw(Methods.GET, "/readycheck", options.health()::readiness)
                .add(Methods.POST, "/v2/account/authenticate/{provider}", serverKey, Execution.IO_THREAD, identity::authenticate)
                .add(Methods.POST, "/v2/account/link/{provider}", bearer, Execution.WORKER, identity::link)
                .add(Methods.POST, "/v2/account/unlink/{provider}", bearer, Execution.WORKER, identity::unlink)
                .add(Methods.GET, "/v2/user", bearer, Execution.IO_THREAD, account::users)
                // RPCs check their own credentials: the runtime HTTP key or a session.
                // on the event loop: each RPC moves to a worker unless its module said it never blocks
                .add(Methods.POST, "/v2/rpc/{id}", Guard.NONE, Execution.IO_THREAD, rpc::call)
                .add(Methods.GET, "/v2/rpc/{id}", Guard.NONE, Execution.IO_THREAD, rpc::call);
        routes.hookable(Methods.POST, "/v2/account/session/refresh", serverKey, Execution.IO_THREAD, session::refresh,
                Operations.SESSION_REFRESH, HookMappings.refresh(tokens));
        routes.hookable(Methods.POST, "/v2/session/logout", bearer, Execution.WORKER, session::logout,
                Operations.SESSION_LOGOUT, HookMappings.logout());
        routes.hookable(Methods.GET, "/v2/account", bearer, Execution.IO_THREAD, account::get,
                Operations.ACCOUNT_GET, HookMappings.accountGet(accounts));
        routes.hookable(Methods.PUT, "/v2/account", bearer, Execution.WORKER, account::update,
                Operations.ACCOUNT_UPDATE, HookMappings.accountUpdate());
        routes.hookable(Methods.DELETE, "/v2/account", bearer, Execution.WORKER, account::delete,
                Operations.ACCOUNT_DELETE, HookMappings.accountDelete());
        return routes.table.build();
    }

    /** The endpoint as it is when no module hooks the operation; else its typed path, on a worker. */
    private <Q, R> void hookable(HttpString method, String path, Guard guard, Execution execution, Endpoint endpoint,
                                 ApiOperation<Q, R> operation, HookedEndpoint.Mapping<Q, R> mapping) {
        if (!hooks.any(operation)) {
            table.add(method, path, guard, execution, endpoint);
        } else {
            table.add(method, path, guard, hooks.mayBlock(operation) ? Execution.WORKER : execution,
                    new HookedEndpoint<>(operation, hooks, mapping, endpoint));
        }
    }
}
