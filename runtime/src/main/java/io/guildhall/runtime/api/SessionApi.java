package io.guildhall.runtime.api;

import io.guildhall.runtime.account.AccountService;
import io.guildhall.runtime.http.Call;
import io.guildhall.runtime.http.Continue;
import io.guildhall.runtime.session.RefreshRotation;
import io.guildhall.runtime.session.Revocations;
import io.guildhall.runtime.session.SessionToken;
import io.guildhall.runtime.session.TokenService;
import io.guildhall.runtime.util.MemoKey;
import io.guildhall.spi.ApiException;
import io.guildhall.spi.Code;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** {@code POST /v2/account/session/refresh} and {@code POST /v2/session/logout}. */
final class SessionApi {
    private final TokenService tokens;
    private final Revocations revocations;
    private final AccountService accounts;
    private final RefreshRotation rotation;
    private final Continue then;
    /**
     * What a refresh needs of the account, by user and stored record: clients refresh often, accounts
     * rarely change, and decoding the whole record was a tenth of a refresh's cost.
     */
    private final Cache<MemoKey, Holder> holders;

    private record Holder(String username, boolean banned) {
    }

    /** @param rotation null unless {@code session.refresh_token_rotation} is on */
    SessionApi(TokenService tokens, Revocations revocations, AccountService accounts, RefreshRotation rotation,
               Continue then, long memoBytes) {
        this.holders = Caffeine.newBuilder()
                .maximumWeight(memoBytes)
                .weigher((MemoKey key, Holder holder) -> MemoKey.WEIGHT + 48 + 2 * holder.username().length())
                .executor(Runnable::run)
                .build();
        this.tokens = tokens;
        this.revocations = revocations;
        this.accounts = accounts;
        this.rotation = rotation;
        this.then = then;
    }

    CompletableFuture<?> refresh(Call call) {
        String token = call.body().string("token");
        if (token.isEmpty()) {
            throw ApiException.invalid("Refresh token is required.");
        }
        SessionToken presented = tokens.verifyRefresh(token);
        if (presented == null || revocations.isRevokedRefresh(presented)) {
            throw ApiException.unauthenticated("Refresh token invalid or expired.");
        }
        // A non-empty vars map replaces the token's; an empty or absent one keeps them.
        Map<String, String> requested = call.body().stringMap("vars");
        tokens.checkVars(requested);
        Map<String, String> vars = requested.isEmpty() ? presented.vars() : requested;
        var holder = accounts.view(presented.userId(), user -> new Holder(user.username, user.banned()), holders);
        if (rotation == null) {
            return then.apply(holder, user -> {
                long now = System.currentTimeMillis() / 1000;
                return session(presented, checked(user), vars, now, now + tokens.refreshLifetimeSec());
            });
        }
        return then.compose(holder, user -> {
            checked(user);
            long nowMillis = System.currentTimeMillis();
            long now = nowMillis / 1000;
            // the decision takes the store's write lock: never on an IO thread
            CompletableFuture<Long> decided = then.onWorkers(
                    () -> rotation.rotate(presented, now + tokens.refreshLifetimeSec(), nowMillis));
            return then.apply(decided, refreshExpiresAt -> {
                if (refreshExpiresAt == RefreshRotation.REUSED) {
                    throw ApiException.unauthenticated("Refresh token invalid or expired.");
                }
                return session(presented, user, vars, now, refreshExpiresAt);
            });
        });
    }

    private static Holder checked(Holder user) {
        if (user == null) {
            throw new ApiException(Code.NOT_FOUND, "User account not found.");
        }
        if (user.banned()) {
            throw new ApiException(Code.PERMISSION_DENIED, "User account banned.");
        }
        return user;
    }

    /** The Session reply: same token id and issue time as the presented token, the stored username. */
    private byte[] session(SessionToken presented, Holder user, Map<String, String> vars, long now, long refreshExpiresAt) {
        TokenService.Pair pair = tokens.issue(presented.tokenId(), presented.userId(), user.username(), vars,
                presented.issuedAt(), now, refreshExpiresAt);
        return Sessions.json(pair, false);
    }

    CompletableFuture<?> logout(Call call) {
        SessionToken caller = call.session();
        String token = call.body().string("token");
        String refreshToken = call.body().string("refresh_token");
        SessionToken session = null;
        SessionToken refresh = null;
        if (!token.isEmpty()) {
            session = tokens.verifySession(token);
            if (session == null || !session.userId().equals(caller.userId())) {
                throw ApiException.invalid("Session token invalid.");
            }
        }
        if (!refreshToken.isEmpty()) {
            refresh = tokens.verifyRefresh(refreshToken);
            if (refresh == null || !refresh.userId().equals(caller.userId())) {
                throw ApiException.invalid("Refresh token invalid.");
            }
        }
        String sessionId = session == null || session.tokenId().isEmpty() ? null : session.tokenId();
        String refreshId = refresh == null || refresh.tokenId().isEmpty() ? null : refresh.tokenId();
        if (sessionId == null && refreshId == null) {
            return revocations.revokeAllBefore(caller.userId(), System.currentTimeMillis() + 1);
        }
        return revocations.revoke(sessionId, session == null ? 0 : session.expiresAt(),
                refreshId, refresh == null ? 0 : refresh.expiresAt());
    }
}
