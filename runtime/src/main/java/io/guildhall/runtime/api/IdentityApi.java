package io.guildhall.runtime.api;

import io.guildhall.runtime.account.AccountService;
import io.guildhall.runtime.account.Usernames;
import io.guildhall.runtime.http.Call;
import io.guildhall.runtime.http.Continue;
import io.guildhall.runtime.http.HttpError;
import io.guildhall.runtime.http.JsonBody;
import io.guildhall.runtime.plugin.PluginHost;
import io.guildhall.runtime.plugin.ProviderCalls;
import io.guildhall.spi.IdentityProvider;
import io.guildhall.spi.Operation;
import io.guildhall.spi.Proof;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** {@code /v2/account/{authenticate,link,unlink}/{provider}}: routed to the provider with that id. */
final class IdentityApi {
    private final PluginHost plugins;
    private final AccountService accounts;
    private final Sessions sessions;
    private final Continue then;

    IdentityApi(PluginHost plugins, AccountService accounts, Sessions sessions, Continue then) {
        this.plugins = plugins;
        this.accounts = accounts;
        this.sessions = sessions;
        this.then = then;
    }

    /**
     * Runs on the IO thread. A provider that may block is called on its own bounded threads
     * ({@link ProviderCalls}), and the rest continues on the request workers.
     */
    CompletableFuture<?> authenticate(Call call) {
        IdentityProvider provider = provider(call);
        return then.compose(prove(provider, Operation.AUTHENTICATE, call), proof -> authenticate(call, provider, proof));
    }

    private CompletableFuture<?> authenticate(Call call, IdentityProvider provider, Proof proof) {
        String username = call.query("username").orElse("");
        if (!username.isEmpty()) {
            Usernames.validate(username);
        }
        boolean create = call.queryBool("create").orElse(true);
        JsonBody body = call.body();
        Map<String, String> vars = body.stringMap("vars");
        return then.compose(accounts.authenticate(provider, proof, create, username),
                signIn -> sessions.start(signIn.user(), vars)
                        .thenApply(pair -> Sessions.json(pair, signIn.created())));
    }

    CompletableFuture<?> link(Call call) {
        IdentityProvider provider = provider(call);
        return then.compose(prove(provider, Operation.LINK, call),
                proof -> accounts.link(call.session().userId(), provider, proof));
    }

    CompletableFuture<?> unlink(Call call) {
        IdentityProvider provider = provider(call);
        CallProviderRequest request = new CallProviderRequest(Operation.UNLINK, call);
        ProviderCalls calls = plugins.calls(provider);
        CompletableFuture<String> subject = calls == null
                ? CompletableFuture.completedFuture(provider.unlinkSubject(request))
                : calls.call(() -> provider.unlinkSubject(request));
        return then.compose(subject, s -> accounts.unlink(call.session().userId(), provider, s));
    }

    /** The provider's proof: inline for a provider that never blocks, else on its bounded threads. */
    private CompletableFuture<Proof> prove(IdentityProvider provider, Operation operation, Call call) {
        CallProviderRequest request = new CallProviderRequest(operation, call);
        ProviderCalls calls = plugins.calls(provider);
        return calls == null ? CompletableFuture.completedFuture(provider.prove(request)) : calls.call(() -> provider.prove(request));
    }

    private IdentityProvider provider(Call call) {
        IdentityProvider provider = plugins.provider(call.pathParam("provider"));
        if (provider == null) {
            throw HttpError.notFound();
        }
        return provider;
    }
}
