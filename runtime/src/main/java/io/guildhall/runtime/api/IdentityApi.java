package io.guildhall.runtime.api;

import io.guildhall.runtime.account.AccountService;
import io.guildhall.runtime.account.Usernames;
import io.guildhall.runtime.http.Call;
import io.guildhall.runtime.http.Continue;
import io.guildhall.runtime.http.HttpError;
import io.guildhall.runtime.http.JsonBody;
import io.guildhall.runtime.plugin.PluginHost;
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

    /** Runs on the IO thread; moves to the workers when the provider may block. */
    CompletableFuture<?> authenticate(Call call) {
        IdentityProvider provider = provider(call);
        return provider.mayBlock() ? then.onWorkers(() -> authenticate(call, provider)) : authenticate(call, provider);
    }

    private CompletableFuture<?> authenticate(Call call, IdentityProvider provider) {
        Proof proof = provider.prove(new CallProviderRequest(Operation.AUTHENTICATE, call));
        String username = call.query("username").orElse("");
        if (!username.isEmpty()) {
            Usernames.validate(username);
        }
        boolean create = call.queryBool("create").orElse(true);
        JsonBody body = call.body();
        Map<String, String> vars = body.stringMap("vars");
        sessions.checkVars(vars);
        return then.compose(accounts.authenticate(provider, proof, create, username, call.clientAddress()),
                signIn -> sessions.start(signIn.user(), vars)
                        .thenApply(pair -> Sessions.json(pair, signIn.created())));
    }

    CompletableFuture<?> link(Call call) {
        IdentityProvider provider = provider(call);
        Proof proof = provider.prove(new CallProviderRequest(Operation.LINK, call));
        return accounts.link(call.session().userId(), provider, proof);
    }

    CompletableFuture<?> unlink(Call call) {
        IdentityProvider provider = provider(call);
        String subject = provider.unlinkSubject(new CallProviderRequest(Operation.UNLINK, call));
        return accounts.unlink(call.session().userId(), provider, subject);
    }

    private IdentityProvider provider(Call call) {
        IdentityProvider provider = plugins.provider(call.pathParam("provider"));
        if (provider == null) {
            throw HttpError.notFound();
        }
        return provider;
    }
}
