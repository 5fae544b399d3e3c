package io.guildhall.runtime.module;

/** A studio's server module as source, compiled at test time against the SPI only. */
final class StudioModuleSource {
    private StudioModuleSource() {
    }

    static final String CLASS = "studio.HooksModule";

    /**
     * Hooks on every operation family (change, reject, observe) and a few RPCs. What the after hooks
     * saw is read back through the {@code seen} RPC, since the module lives in its own class loader.
     */
    static final String SOURCE = """
            package studio;

            import io.guildhall.spi.ApiException;
            import io.guildhall.spi.Code;
            import io.guildhall.spi.module.*;
            import java.util.*;
            import java.util.concurrent.CopyOnWriteArrayList;

            public final class HooksModule implements ServerModule {
                private final List<String> seen = new CopyOnWriteArrayList<>();

                public String name() { return "hooks"; }

                public void initModule(ModuleContext context, Initializer init) {
                    String bannedPrefix = context.config().string("banned_prefix", "banned-");
                    Accounts accounts = context.accounts();

                    init.registerBefore(Operations.AUTHENTICATE_DEVICE, (ctx, request) -> {
                        String id = request.accountString("id");
                        if (id.startsWith(bannedPrefix)) {
                            throw new ApiException(Code.PERMISSION_DENIED, "This device is banned.");
                        }
                        if (id.startsWith("rewrite-")) {
                            Map<String, Object> account = new HashMap<>(request.account());
                            account.put("id", "rewritten-" + id.substring(8));
                            return request.withAccount(account);
                        }
                        if (id.startsWith("short-")) {
                            Map<String, Object> account = new HashMap<>(request.account());
                            account.put("id", "x");
                            return request.withAccount(account);
                        }
                        return request;
                    });
                    init.registerAfter(Operations.AUTHENTICATE_DEVICE,
                            (ctx, request, result) -> seen.add("authenticate:" + request.accountString("id") + ":" + result.userId() + ":" + result.created()));
                    init.registerAfter(Operations.AUTHENTICATE_DEVICE, (ctx, request, result) -> { throw new IllegalStateException("an after hook that fails"); });

                    init.registerBefore(Operations.link("custom"), (ctx, request) -> {
                        if (request.accountString("id").startsWith("nolink")) {
                            throw new ApiException(Code.FAILED_PRECONDITION, "Linking this id is not allowed.");
                        }
                        return request;
                    });
                    init.registerAfter(Operations.link("custom"), (ctx, request, result) -> seen.add("link:" + ctx.userId().orElse("?") + ":" + request.accountString("id")));
                    init.registerAfter(Operations.unlink("custom"), (ctx, request, result) -> seen.add("unlink:" + ctx.userId().orElse("?")));

                    init.registerBefore(Operations.SESSION_REFRESH, (ctx, request) -> {
                        if ("yes".equals(request.vars().get("deny"))) {
                            throw new ApiException(Code.PERMISSION_DENIED, "Refresh denied by the studio.");
                        }
                        Map<String, String> vars = new HashMap<>(request.vars());
                        vars.put("refreshed", "by-hook");
                        return new RefreshRequest(request.refreshToken(), vars);
                    });
                    init.registerAfter(Operations.SESSION_REFRESH, (ctx, request, result) -> seen.add("refresh:" + result.userId()));
                    init.registerAfter(Operations.SESSION_LOGOUT, (ctx, request, result) -> seen.add("logout:" + ctx.userId().orElse("?")));

                    init.registerAfter(Operations.ACCOUNT_GET, (ctx, request, result) -> seen.add("get:" + result.userId() + ":" + result.username()));
                    init.registerBefore(Operations.ACCOUNT_UPDATE, (ctx, request) -> {
                        if ("forbidden".equals(request.displayName())) {
                            throw new ApiException(Code.INVALID_ARGUMENT, "That display name is not allowed.");
                        }
                        String shown = request.displayName() == null ? null : request.displayName().toUpperCase(Locale.ROOT);
                        return new AccountUpdateRequest(request.userId(), request.username(), shown, request.avatarUrl(),
                                request.langTag(), request.location(), request.timezone());
                    });
                    init.registerBefore(Operations.ACCOUNT_DELETE, (ctx, request) -> {
                        if (accounts.byId(request.userId()).map(a -> a.metadata().contains("\\"keep\\":true")).orElse(false)) {
                            throw new ApiException(Code.FAILED_PRECONDITION, "This account cannot be deleted.");
                        }
                        return request;
                    });
                    init.registerAfter(Operations.ACCOUNT_DELETE, (ctx, request, result) -> seen.add("delete:" + request.userId()));

                    init.registerRpc("seen", (ctx, payload) -> String.join("\\n", seen));
                    init.registerBefore(Operations.AUTHENTICATE_CUSTOM, (ctx, request) -> {
                        if (request.accountString("id").startsWith("thread-")) {
                            seen.add("custom-thread:" + Thread.currentThread().getName());
                        }
                        return request;
                    }, Blocking.NEVER);
                    init.registerRpc("thread", (ctx, payload) -> Thread.currentThread().getName());
                    init.registerRpc("fast-thread", (ctx, payload) -> Thread.currentThread().getName(), Blocking.NEVER);
                    init.registerRpc("Echo", (ctx, payload) -> payload);
                    init.registerRpc("whoami", (ctx, payload) -> ctx.userId().orElse("server") + "|" + ctx.username().orElse("")
                            + "|" + ctx.vars().getOrDefault("role", "") + "|" + (ctx.expiry() > 0));
                    init.registerRpc("refuse", (ctx, payload) -> { throw new ApiException(Code.FAILED_PRECONDITION, "Not now."); });
                    init.registerRpc("boom", (ctx, payload) -> { throw new IllegalStateException("secret internal detail"); });
                    init.registerRpc("ban", (ctx, payload) -> {
                        if (ctx.userId().isPresent()) {
                            throw new ApiException(Code.PERMISSION_DENIED, "Servers only.");
                        }
                        accounts.ban(payload).toCompletableFuture().join();
                        return "banned";
                    });
                    init.registerRpc("unban", (ctx, payload) -> {
                        accounts.unban(payload).toCompletableFuture().join();
                        return "unbanned";
                    });
                    init.registerRpc("lookup", (ctx, payload) -> accounts.byIdentity("device", payload)
                            .map(a -> a.userId() + "|" + a.username() + "|" + a.banned()).orElse("none"));
                    init.registerRpc("set-metadata", (ctx, payload) -> {
                        accounts.update(ctx.userId().orElseThrow(), AccountChanges.metadata(payload)).toCompletableFuture().join();
                        return "ok";
                    });
                }
            }
            """;
}
