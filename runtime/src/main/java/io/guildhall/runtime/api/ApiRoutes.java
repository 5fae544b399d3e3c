package io.guildhall.runtime.api;

import io.guildhall.runtime.account.AccountService;
import io.guildhall.runtime.http.Auth;
import io.guildhall.runtime.http.Authenticator;
import io.guildhall.runtime.http.Continue;
import io.guildhall.runtime.http.Guard;
import io.guildhall.runtime.http.Execution;
import io.guildhall.runtime.http.Responses;
import io.guildhall.runtime.http.RouteTable;
import io.guildhall.runtime.plugin.PluginHost;
import io.guildhall.runtime.session.RefreshRotation;
import io.guildhall.runtime.session.Revocations;
import io.guildhall.runtime.session.TokenService;
import io.undertow.server.HttpHandler;
import io.undertow.util.Methods;

import java.util.concurrent.Executor;

/** The game API's route table (port 7350), with JSON answers for unknown paths and methods. */
public final class ApiRoutes {
    private ApiRoutes() {
    }

    public static HttpHandler build(PluginHost plugins, AccountService accounts, TokenService tokens,
                                    Revocations revocations, RefreshRotation rotation, Authenticator authenticator,
                                    boolean singleSession, long maxBodyBytes, Executor workers) {
        Continue then = new Continue(workers);
        Sessions sessions = new Sessions(tokens, revocations, singleSession, then);
        IdentityApi identity = new IdentityApi(plugins, accounts, sessions, then);
        SessionApi session = new SessionApi(tokens, revocations, accounts, rotation, then);
        AccountApi account = new AccountApi(accounts, new AccountJson(plugins), then);
        Guard serverKey = authenticator.guard(Auth.SERVER_KEY);
        Guard bearer = authenticator.guard(Auth.SESSION);

        return new RouteTable(workers, maxBodyBytes)
                .raw(Methods.GET, "/", exchange -> exchange.endExchange())
                // Answered on the IO thread: nothing to read, nothing to wait for.
                .raw(Methods.GET, "/healthcheck", Responses::emptyObject)
                .add(Methods.POST, "/v2/account/authenticate/{provider}", serverKey, Execution.IO_THREAD, identity::authenticate)
                .add(Methods.POST, "/v2/account/link/{provider}", bearer, Execution.WORKER, identity::link)
                .add(Methods.POST, "/v2/account/unlink/{provider}", bearer, Execution.WORKER, identity::unlink)
                .add(Methods.POST, "/v2/account/session/refresh", serverKey, Execution.IO_THREAD, session::refresh)
                .add(Methods.POST, "/v2/session/logout", bearer, Execution.WORKER, session::logout)
                .add(Methods.GET, "/v2/account", bearer, Execution.IO_THREAD, account::get)
                .add(Methods.PUT, "/v2/account", bearer, Execution.WORKER, account::update)
                .add(Methods.DELETE, "/v2/account", bearer, Execution.WORKER, account::delete)
                .add(Methods.GET, "/v2/user", bearer, Execution.IO_THREAD, account::users)
                .build();
    }
}
