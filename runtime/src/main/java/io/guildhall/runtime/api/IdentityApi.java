package io.guildhall.runtime.api;

import io.guildhall.runtime.account.AccountService;
import io.guildhall.runtime.account.Usernames;
import io.guildhall.runtime.http.Call;
import io.guildhall.runtime.http.Continue;
import io.guildhall.runtime.http.HttpError;
import io.guildhall.runtime.http.JsonBody;
import io.guildhall.runtime.module.Hooks;
import io.guildhall.runtime.plugin.PluginHost;
import io.guildhall.runtime.plugin.ProviderCalls;
import io.guildhall.spi.IdentityProvider;
import io.guildhall.spi.Operation;
import io.guildhall.spi.Proof;
import io.guildhall.spi.ProviderRequest;
import io.guildhall.spi.RequestBody;
import io.guildhall.spi.module.ApiOperation;
import io.guildhall.spi.module.AuthenticateRequest;
import io.guildhall.spi.module.IdentityRequest;
import io.guildhall.spi.module.Operations;
import io.guildhall.spi.module.SessionResult;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * {@code /v2/account/{authenticate,link,unlink}/{provider}}: routed to the provider with that id.
 * An operation with module hooks takes the typed path: the request as a record, before hooks
 * (which may change or reject it), the usual validation on what they returned, after hooks before
 * the response. Without hooks the request goes straight through.
 */
final class IdentityApi {
    private final PluginHost plugins;
    private final AccountService accounts;
    private final Sessions sessions;
    private final Continue then;
    private final Hooks hooks;

    IdentityApi(PluginHost plugins, AccountService accounts, Sessions sessions, Continue then) {
        this.plugins = plugins;
        this.accounts = accounts;
        this.sessions = sessions;
        this.then = then;
        this.hooks = plugins.hooks();
    }

    /** The provider's view of a request: a body and the query parameters it may read. */
    private record Request(Operation operation, RequestBody body, Function<String, Optional<String>> queries)
            implements ProviderRequest {
        @Override
        public Optional<String> query(String name) {
            return queries.apply(name);
        }
    }

    /**
     * Runs on the IO thread. A provider that may block is called on its own bounded threads
     * ({@link ProviderCalls}), and the rest continues on the request workers.
     */
    CompletableFuture<?> authenticate(Call call) {
        IdentityProvider provider = provider(call);
        ApiOperation<AuthenticateRequest, SessionResult> operation = Operations.authenticate(provider.id());
        if (hooks.any(operation)) {
            return hooks.mayBlock(operation)
                    ? then.onWorkers(() -> authenticateHooked(call, provider, operation))
                    : authenticateHooked(call, provider, operation);
        }
        JsonBody body = call.body();
        Request request = new Request(Operation.AUTHENTICATE, body, call::query);
        return then.compose(prove(provider, request), proof -> signIn(provider, proof,
                call.queryBool("create").orElse(true), call.query("username").orElse(""), body.stringMap("vars"),
                call.clientAddress())
                .thenApply(result -> result.json()));
    }

    private CompletableFuture<?> authenticateHooked(Call call, IdentityProvider provider,
                                                    ApiOperation<AuthenticateRequest, SessionResult> operation) {
        JsonBody body = call.body();
        AuthenticateRequest asSent = new AuthenticateRequest(provider.id(), body.fields("vars"),
                call.queryBool("create").orElse(true), call.query("username").orElse(""), body.stringMap("vars"));
        var context = HookContexts.anonymous(call, asSent.vars());
        AuthenticateRequest request = hooks.runBefore(operation, context, asSent);
        Map<String, String> queries = Map.of("username", request.username());
        // an unchanged request is proven from the body as sent, not from a copy made of its fields
        RequestBody account = request == asSent ? body : JsonBody.of(request.account());
        Request proving = new Request(Operation.AUTHENTICATE, account,
                name -> Optional.ofNullable(queries.get(name)).or(() -> call.query(name)));
        return then.compose(prove(provider, proving), proof -> signIn(provider, proof, request.create(), request.username(), request.vars(),
                        call.clientAddress()))
                .thenApply(result -> {
                    hooks.runAfter(operation, context, request, result.session());
                    return result.json();
                });
    }

    /** A finished sign-in: what after hooks see and what the client gets. */
    private record SignedIn(SessionResult session, byte[] json) {
    }

    private CompletableFuture<SignedIn> signIn(IdentityProvider provider, Proof proof, boolean create, String username,
                                               Map<String, String> vars, String clientAddress) {
        if (!username.isEmpty()) {
            Usernames.validate(username);
        }
        sessions.checkVars(vars);
        return then.compose(accounts.authenticate(provider, proof, create, username, clientAddress),
                signIn -> sessions.start(signIn.userId(), signIn.username(), vars).thenApply(pair -> new SignedIn(
                        new SessionResult(signIn.userId(), signIn.username(), signIn.created()),
                        Sessions.json(pair, signIn.created()))));
    }

    CompletableFuture<?> link(Call call) {
        IdentityProvider provider = provider(call);
        ApiOperation<IdentityRequest, Void> operation = Operations.link(provider.id());
        IdentityRequest request = beforeIdentity(call, provider, operation);
        Request proving = new Request(Operation.LINK, bodyOf(call, request), call::query);
        return then.compose(prove(provider, proving), proof -> accounts.link(call.session().userId(), provider, proof))
                .thenApply(v -> afterIdentity(call, operation, request));
    }

    CompletableFuture<?> unlink(Call call) {
        IdentityProvider provider = provider(call);
        ApiOperation<IdentityRequest, Void> operation = Operations.unlink(provider.id());
        IdentityRequest request = beforeIdentity(call, provider, operation);
        Request unlinking = new Request(Operation.UNLINK, bodyOf(call, request), call::query);
        ProviderCalls calls = plugins.calls(provider);
        CompletableFuture<String> subject = calls == null
                ? CompletableFuture.completedFuture(provider.unlinkSubject(unlinking))
                : calls.call(() -> provider.unlinkSubject(unlinking));
        return then.compose(subject, s -> accounts.unlink(call.session().userId(), provider, s))
                .thenApply(v -> afterIdentity(call, operation, request));
    }

    /** Link and unlink run on a worker; with hooks, the request as the before hooks left it, else null. */
    private IdentityRequest beforeIdentity(Call call, IdentityProvider provider, ApiOperation<IdentityRequest, Void> operation) {
        if (!hooks.any(operation)) {
            return null;
        }
        IdentityRequest asSent = new IdentityRequest(provider.id(), call.body().fields());
        return hooks.runBefore(operation, HookContexts.of(call), asSent);
    }

    private static RequestBody bodyOf(Call call, IdentityRequest request) {
        return request == null ? call.body() : JsonBody.of(request.account());
    }

    private Object afterIdentity(Call call, ApiOperation<IdentityRequest, Void> operation, IdentityRequest request) {
        if (request != null) {
            hooks.runAfter(operation, HookContexts.of(call), request, null);
        }
        return null;
    }

    /**
     * The provider's proof: inline for a provider that never blocks or that can prove this request
     * at once (its keys cached), else on the provider's bounded threads.
     */
    private CompletableFuture<Proof> prove(IdentityProvider provider, ProviderRequest request) {
        ProviderCalls calls = plugins.calls(provider);
        if (calls == null) {
            return CompletableFuture.completedFuture(provider.prove(request));
        }
        Proof quick = provider.proveWithoutBlocking(request);
        return quick != null ? CompletableFuture.completedFuture(quick) : calls.call(() -> provider.prove(request));
    }

    private IdentityProvider provider(Call call) {
        IdentityProvider provider = plugins.provider(call.pathParam("provider"));
        if (provider == null) {
            throw HttpError.notFound();
        }
        return provider;
    }
}
