package io.guildhall.runtime.account;

/** The fields of {@code PUT /v2/account}: null leaves a field as it is, "" clears it. */
public record AccountUpdate(String username, String displayName, String avatarUrl, String langTag,
                            String location, String timezone) {
    public boolean isEmpty() {
        return username == null && displayName == null && avatarUrl == null && langTag == null
                && location == null && timezone == null;
    }
}
