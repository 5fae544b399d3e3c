package bench;

import io.guildhall.spi.module.Blocking;
import io.guildhall.spi.module.Initializer;
import io.guildhall.spi.module.ModuleContext;
import io.guildhall.spi.module.Operations;
import io.guildhall.spi.module.ServerModule;

/**
 * The bench's server module: a before and an after hook that do nothing on custom-id sign-in (so
 * the hooks' own cost shows next to device sign-in, which has none), and an RPC that echoes.
 */
public final class NoopHooks implements ServerModule {
    @Override
    public String name() {
        return "bench";
    }

    @Override
    public void initModule(ModuleContext context, Initializer init) {
        // pure computation: declared so, they run where the request already is (Blocking.NEVER)
        init.registerBefore(Operations.AUTHENTICATE_CUSTOM, (ctx, request) -> request, Blocking.NEVER);
        init.registerAfter(Operations.AUTHENTICATE_CUSTOM, (ctx, request, session) -> { }, Blocking.NEVER);
        init.registerRpc("echo", (ctx, payload) -> payload, Blocking.NEVER);
    }
}
