package io.guildhall.runtime.api;

import io.guildhall.runtime.http.Continue;
import io.guildhall.runtime.session.Revocations;
import io.guildhall.runtime.session.TokenService;
import io.guildhall.runtime.util.UuidV7;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/** Starts sessions after a successful sign-in, honouring {@code session.single_session}. */
final class Sessions {
    private static final byte[] TOKEN = ascii("{\"token\":\"");
    private static final byte[] CREATED_TOKEN = ascii("{\"created\":true,\"token\":\"");
    private static final byte[] REFRESH_TOKEN = ascii("\",\"refresh_token\":\"");
    private static final byte[] END = ascii("\"}");

    private final TokenService tokens;
    private final Revocations revocations;
    private final boolean singleSession;
    private final Continue then;

    Sessions(TokenService tokens, Revocations revocations, boolean singleSession, Continue then) {
        this.tokens = tokens;
        this.revocations = revocations;
        this.singleSession = singleSession;
        this.then = then;
    }

    /** Refuses vars larger than a token may carry, before any account work. */
    void checkVars(Map<String, String> vars) {
        tokens.checkVars(vars);
    }

    CompletableFuture<TokenService.Pair> start(String id, String username, Map<String, String> vars) {
        UUID userId = UUID.fromString(id);
        long nowMillis = System.currentTimeMillis();
        long nowSec = nowMillis / 1000;
        if (!singleSession) {
            long mintedAt = revocations.mintTime(userId, nowMillis);
            return CompletableFuture.completedFuture(
                    tokens.issue(UuidV7.mint(mintedAt), userId, username, vars, nowSec, nowSec));
        }
        // Every token minted before this one becomes invalid; this one stays valid. The write takes
        // the store's lock, so it runs on the workers even when sign-in started on an IO thread.
        return then.apply(then.onWorkers(() -> revocations.startSingleSession(userId, nowMillis)),
                mintedAt -> tokens.issue(UuidV7.mint(mintedAt), userId, username, vars, nowSec, nowSec));
    }

    /**
     * The {@code Session} message, encoded directly: compact JWTs hold only base64url characters
     * and dots, so there is nothing to escape (the hottest response of the API).
     */
    static byte[] json(TokenService.Pair pair, boolean created) {
        byte[] head = created ? CREATED_TOKEN : TOKEN;
        byte[] json = new byte[head.length + pair.token().length + REFRESH_TOKEN.length
                + pair.refreshToken().length + END.length];
        int at = put(json, 0, head);
        at = put(json, at, pair.token());
        at = put(json, at, REFRESH_TOKEN);
        at = put(json, at, pair.refreshToken());
        put(json, at, END);
        return json;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static int put(byte[] into, int at, byte[] bytes) {
        System.arraycopy(bytes, 0, into, at, bytes.length);
        return at + bytes.length;
    }
}
