package io.guildhall.spi.module;

/** A logout: the tokens to revoke (both empty: every session of the caller). */
public record LogoutRequest(String token, String refreshToken) {
}
