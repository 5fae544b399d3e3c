package io.guildhall.runtime.http;

import io.guildhall.runtime.session.Revocations;
import io.guildhall.runtime.session.SessionToken;
import io.guildhall.runtime.session.TokenService;
import io.guildhall.spi.ApiException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/** Checks the Authorization header of a call, as Nakama's interceptor does, without touching the store. */
public final class Authenticator {
    private final byte[] serverKey;
    private final TokenService tokens;
    private final Revocations revocations;

    public Authenticator(String serverKey, TokenService tokens, Revocations revocations) {
        this.serverKey = serverKey.getBytes(StandardCharsets.UTF_8);
        this.tokens = tokens;
        this.revocations = revocations;
    }

    /** The guard for routes of this kind. */
    public Guard guard(Auth auth) {
        return call -> check(auth, call);
    }

    void check(Auth auth, Call call) {
        switch (auth) {
            case NONE -> {
            }
            case SERVER_KEY -> checkServerKey(call);
            case SESSION -> call.session(checkSession(call));
        }
    }

    private void checkServerKey(Call call) {
        String header = call.authorization();
        if (header == null) {
            throw ApiException.unauthenticated("Server key required");
        }
        if (!header.startsWith("Basic ")) {
            throw ApiException.unauthenticated("Server key invalid");
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(header.substring(6));
        } catch (IllegalArgumentException e) {
            throw ApiException.unauthenticated("Server key invalid");
        }
        int colon = indexOf(decoded, (byte) ':');
        if (colon < 0) {
            throw ApiException.unauthenticated("Server key invalid");
        }
        byte[] user = java.util.Arrays.copyOf(decoded, colon);
        if (!MessageDigest.isEqual(user, serverKey)) {
            throw ApiException.unauthenticated("Server key invalid");
        }
    }

    /** Verifies the call's bearer session (401 otherwise), for endpoints that accept other credentials too. */
    public SessionToken requireSession(Call call) {
        SessionToken session = checkSession(call);
        call.session(session);
        return session;
    }

    private SessionToken checkSession(Call call) {
        if (!call.hasAuthorization()) {
            throw ApiException.unauthenticated("Auth token required");
        }
        String header = call.authorization();
        if (header == null || !header.startsWith("Bearer ")) {
            throw ApiException.unauthenticated("Auth token invalid");
        }
        SessionToken session = tokens.verifySession(header.substring(7));
        if (session == null || revocations.isRevokedSession(session)) {
            throw ApiException.unauthenticated("Auth token invalid");
        }
        return session;
    }

    private static int indexOf(byte[] bytes, byte value) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == value) {
                return i;
            }
        }
        return -1;
    }
}
