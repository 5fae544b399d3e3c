package io.guildhall.spi.module;

import java.util.Map;

/** A session refresh: the refresh token and the vars sent with it. */
public record RefreshRequest(String refreshToken, Map<String, String> vars) {
    public RefreshRequest {
        vars = Map.copyOf(vars);
    }
}
