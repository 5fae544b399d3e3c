package io.guildhall.spi.module;

/**
 * Changes a module makes to an account: null leaves a field as it is, "" clears it. {@code metadata}
 * must be a JSON object as text.
 */
public record AccountChanges(String displayName, String avatarUrl, String langTag, String location, String timezone,
                             String metadata) {
    public static AccountChanges metadata(String json) {
        return new AccountChanges(null, null, null, null, null, json);
    }
}
