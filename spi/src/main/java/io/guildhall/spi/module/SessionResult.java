package io.guildhall.spi.module;

/** A session the server minted: for whom, and whether the sign-in created the account. */
public record SessionResult(String userId, String username, boolean created) {
}
