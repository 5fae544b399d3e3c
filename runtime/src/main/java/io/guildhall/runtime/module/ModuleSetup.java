package io.guildhall.runtime.module;

import io.guildhall.runtime.plugin.PluginException;
import io.guildhall.spi.IdentityProvider;
import io.guildhall.spi.module.AfterHook;
import io.guildhall.spi.module.ApiOperation;
import io.guildhall.spi.module.BeforeHook;
import io.guildhall.spi.module.Blocking;
import io.guildhall.spi.module.Initializer;
import io.guildhall.spi.module.Rpc;

import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/** The {@link Initializer} one module registers on during its {@code initModule}, and nothing after. */
public final class ModuleSetup implements Initializer {
    private static final Pattern RPC_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

    private final String module;
    private final String origin;
    private final Hooks hooks;
    private final Rpcs rpcs;
    private final Consumer<IdentityProvider> providers;
    private int registrations;
    private boolean sealed;

    public ModuleSetup(String module, String origin, Hooks hooks, Rpcs rpcs, Consumer<IdentityProvider> providers) {
        this.module = module;
        this.origin = origin;
        this.hooks = hooks;
        this.rpcs = rpcs;
        this.providers = providers;
    }

    @Override
    public void registerRpc(String id, Rpc rpc, Blocking blocking) {
        checkOpen();
        if (id == null || !RPC_ID.matcher(id).matches()) {
            throw new PluginException("Plugin " + origin + ": module '" + module + "' registers RPC id '" + id
                    + "'; ids are 1-128 letters, digits and _ . : -");
        }
        Rpcs.Registered taken = rpcs.add(id, new Rpcs.Registered(module, origin, Objects.requireNonNull(rpc), blocking != Blocking.NEVER));
        if (taken != null) {
            throw new PluginException("Plugin " + origin + ": RPC '" + id + "' of module '" + module
                    + "' is already registered by module '" + taken.module() + "' from " + taken.origin());
        }
        registrations++;
    }

    @Override
    public <Q, R> void registerBefore(ApiOperation<Q, R> operation, BeforeHook<Q> hook, Blocking blocking) {
        checkOpen();
        hooks.addBefore(module, Objects.requireNonNull(operation), Objects.requireNonNull(hook), blocking != Blocking.NEVER);
        registrations++;
    }

    @Override
    public <Q, R> void registerAfter(ApiOperation<Q, R> operation, AfterHook<Q, R> hook, Blocking blocking) {
        checkOpen();
        hooks.addAfter(module, Objects.requireNonNull(operation), Objects.requireNonNull(hook), blocking != Blocking.NEVER);
        registrations++;
    }

    @Override
    public void registerIdentityProvider(IdentityProvider provider) {
        checkOpen();
        providers.accept(Objects.requireNonNull(provider));
        registrations++;
    }

    public int registrations() {
        return registrations;
    }

    /** Ends registration: the initializer is not usable once {@code initModule} has returned. */
    public void seal() {
        sealed = true;
    }

    private void checkOpen() {
        if (sealed) {
            throw new IllegalStateException("module '" + module + "' registered after initModule returned");
        }
    }
}
