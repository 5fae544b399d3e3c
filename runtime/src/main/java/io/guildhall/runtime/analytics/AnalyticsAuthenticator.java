package io.guildhall.runtime.analytics;

import io.guildhall.runtime.http.BasicAuth;
import io.guildhall.runtime.http.Call;
import io.guildhall.runtime.http.Guard;
import io.guildhall.spi.ApiException;
import io.guildhall.spi.Code;

import java.util.function.Function;

/**
 * The analytics listener's credentials: an API key as Basic user name, an analytics session as
 * Bearer, and for server events also a console user's bearer token. Reads no store.
 */
public final class AnalyticsAuthenticator {
    private final ApiKeys keys;
    private final AnalyticsTokens tokens;
    private final AnalyticsRevocations revocations;
    private final Function<String, String> consoleUser;

    /** @param consoleUser the email of a valid console token, or null */
    public AnalyticsAuthenticator(ApiKeys keys, AnalyticsTokens tokens, AnalyticsRevocations revocations,
                                  Function<String, String> consoleUser) {
        this.keys = keys;
        this.tokens = tokens;
        this.revocations = revocations;
        this.consoleUser = consoleUser;
    }

    /** Basic with an API key; the call's principal is the {@link ApiKeys.ApiKey}. */
    public Guard apiKey() {
        return call -> call.principal(requireApiKey(call));
    }

    /** Bearer with an analytics session token; the principal is the {@link AnalyticsToken}. */
    public Guard session() {
        return call -> call.principal(requireSession(call));
    }

    /** Either of the two (default flags need no session). */
    public Guard apiKeyOrSession() {
        return call -> {
            String header = call.authorization();
            call.principal(header != null && header.startsWith("Basic ") ? requireApiKey(call) : requireSession(call));
        };
    }

    /** Basic with a key allowed to send server events, or Bearer with a console token; principal {@link EventSource}. */
    public Guard serverEvents() {
        return call -> {
            String header = call.authorization();
            if (header != null && header.startsWith("Bearer ")) {
                String email = consoleUser.apply(header.substring(7));
                if (email == null) {
                    throw ApiException.unauthenticated("Console token invalid");
                }
                call.principal(new EventSource("console:" + email));
                return;
            }
            ApiKeys.ApiKey key = requireApiKey(call);
            if (!key.serverEvents()) {
                throw new ApiException(Code.PERMISSION_DENIED, "This API key may not send server events.");
            }
            call.principal(new EventSource(key.name()));
        };
    }

    private ApiKeys.ApiKey requireApiKey(Call call) {
        if (!call.hasAuthorization()) {
            throw ApiException.unauthenticated("API key required");
        }
        byte[] username = BasicAuth.username(call.authorization());
        ApiKeys.ApiKey key = username == null ? null : keys.find(username);
        if (key == null) {
            throw ApiException.unauthenticated("API key invalid");
        }
        return key;
    }

    private AnalyticsToken requireSession(Call call) {
        if (!call.hasAuthorization()) {
            throw ApiException.unauthenticated("Auth token required");
        }
        String header = call.authorization();
        if (header == null || !header.startsWith("Bearer ")) {
            throw ApiException.unauthenticated("Auth token invalid");
        }
        AnalyticsToken token = tokens.verifySession(header.substring(7));
        if (token == null || revocations.isRevokedSession(token)) {
            throw ApiException.unauthenticated("Auth token invalid");
        }
        return token;
    }
}
