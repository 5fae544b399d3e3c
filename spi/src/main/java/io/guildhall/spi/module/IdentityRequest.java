package io.guildhall.spi.module;

import java.util.Map;

/** A link or unlink of one of the caller's identities; {@code account} as in {@link AuthenticateRequest}. */
public record IdentityRequest(String provider, Map<String, Object> account) {
    public IdentityRequest {
        account = Map.copyOf(account);
    }

    public String accountString(String name) {
        return account.get(name) instanceof String value ? value : "";
    }
}
