package io.guildhall.spi.module;

/** {@code PUT /v2/account}: null leaves a field as it is, "" clears it. */
public record AccountUpdateRequest(String userId, String username, String displayName, String avatarUrl,
                                   String langTag, String location, String timezone) {
}
