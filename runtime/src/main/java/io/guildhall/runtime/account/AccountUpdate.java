package io.guildhall.runtime.account;

/**
 * The fields of {@code PUT /v2/account} (and of a module's update, which may also set the metadata
 * JSON object): null leaves a field as it is, "" clears it.
 */
public record AccountUpdate(String username, String displayName, String avatarUrl, String langTag,
                            String location, String timezone, String metadata) {
    public AccountUpdate(String username, String displayName, String avatarUrl, String langTag, String location,
                         String timezone) {
        this(username, displayName, avatarUrl, langTag, location, timezone, null);
    }

    public boolean isEmpty() {
        return username == null && displayName == null && avatarUrl == null && langTag == null
                && location == null && timezone == null && metadata == null;
    }
}
