package io.guildhall.spi.module;

import java.util.Map;

/**
 * A sign-in as the client sent it. {@code account} holds the body's fields other than {@code vars}
 * (e.g. {@code id} for a device, {@code token} for Apple) as JSON values: strings, numbers,
 * booleans, lists and maps.
 */
public record AuthenticateRequest(String provider, Map<String, Object> account, boolean create, String username,
                                  Map<String, String> vars) {
    public AuthenticateRequest {
        account = Map.copyOf(account);
        vars = Map.copyOf(vars);
        username = username == null ? "" : username;
    }

    /** A string field of {@code account}, or "" when absent or not a string. */
    public String accountString(String name) {
        return account.get(name) instanceof String value ? value : "";
    }

    public AuthenticateRequest withAccount(Map<String, Object> changed) {
        return new AuthenticateRequest(provider, changed, create, username, vars);
    }

    public AuthenticateRequest withVars(Map<String, String> changed) {
        return new AuthenticateRequest(provider, account, create, username, changed);
    }

    public AuthenticateRequest withUsername(String changed) {
        return new AuthenticateRequest(provider, account, create, changed, vars);
    }
}
