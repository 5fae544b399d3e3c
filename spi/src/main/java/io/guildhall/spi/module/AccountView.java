package io.guildhall.spi.module;

import java.util.List;
import java.util.Map;

/**
 * A player's account as modules see it. Times are epoch seconds; {@code identities} maps provider
 * id to the subjects the account holds; {@code metadata} is a JSON object as text.
 */
public record AccountView(String userId, String username, String displayName, String avatarUrl, String langTag,
                          String location, String timezone, String metadata, Map<String, List<String>> identities,
                          long createTime, long updateTime, boolean banned) {
    public AccountView {
        identities = Map.copyOf(identities);
    }
}
