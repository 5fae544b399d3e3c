package io.guildhall.spi.module;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Player accounts for server modules. Lookups answer from the store (what they return is durable);
 * changes complete once durable, or exceptionally with an {@link io.guildhall.spi.ApiException}
 * (code 5 for an unknown account, 3 for invalid values).
 */
public interface Accounts {
    Optional<AccountView> byId(String userId);

    Optional<AccountView> byUsername(String username);

    /** The account holding this identity, e.g. {@code ("device", "a1b2...")}. */
    Optional<AccountView> byIdentity(String provider, String subject);

    CompletionStage<Void> update(String userId, AccountChanges changes);

    /** Bans the account: it cannot sign in, and every session it has ends (durably). */
    CompletionStage<Void> ban(String userId);

    CompletionStage<Void> unban(String userId);
}
