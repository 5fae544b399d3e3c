package io.guildhall.runtime.module;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guildhall.runtime.account.AccountService;
import static io.guildhall.runtime.account.AccountFields.limited;
import io.guildhall.runtime.account.AccountUpdate;
import io.guildhall.runtime.account.UserRecord;
import io.guildhall.spi.ApiException;
import io.guildhall.spi.Code;
import io.guildhall.spi.module.AccountChanges;
import io.guildhall.spi.module.AccountView;
import io.guildhall.spi.module.Accounts;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The accounts API modules call. Modules are started before the account service exists (they may
 * register identity providers it needs), so it is bound once the server is wired; a module that
 * uses it inside {@code initModule} gets a clear error.
 */
public final class ModuleAccounts implements Accounts {
    /** Larger metadata is refused: it is stored in every account record and sent with every account read. */
    static final int MAX_METADATA_BYTES = 16 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private volatile AccountService service;

    public void bind(AccountService service) {
        this.service = service;
    }

    private AccountService service() {
        AccountService bound = service;
        if (bound == null) {
            throw new IllegalStateException("the accounts API is available once the server has started, not during initModule");
        }
        return bound;
    }

    @Override
    public Optional<AccountView> byId(String userId) {
        return view(service().byId(parse(userId).toString()));
    }

    @Override
    public Optional<AccountView> byUsername(String username) {
        return view(service().byUsername(username));
    }

    @Override
    public Optional<AccountView> byIdentity(String provider, String subject) {
        return view(service().byIdentity(provider, subject));
    }

    private Optional<AccountView> view(UserRecord user) {
        // Answer only what is durable, as every read of the game API does.
        service().durable().join();
        return Optional.ofNullable(user).map(ModuleAccounts::toView);
    }

    @Override
    public CompletionStage<Void> update(String userId, AccountChanges changes) {
        try {
            if (changes.metadata() != null && !changes.metadata().isEmpty()) {
                checkMetadata(changes.metadata());
            }
            return service().update(parse(userId), new AccountUpdate(null,
                    limited(changes.displayName(), "Display name", 255), limited(changes.avatarUrl(), "Avatar URL", 512),
                    limited(changes.langTag(), "Lang tag", 18), limited(changes.location(), "Location", 255),
                    limited(changes.timezone(), "Timezone", 255), changes.metadata()));
        } catch (ApiException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletionStage<Void> ban(String userId) {
        return banned(userId, true);
    }

    @Override
    public CompletionStage<Void> unban(String userId) {
        return banned(userId, false);
    }

    private CompletionStage<Void> banned(String userId, boolean banned) {
        try {
            return service().setBanned(parse(userId), banned);
        } catch (ApiException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    public static AccountView toView(UserRecord user) {
        return new AccountView(user.id, user.username, user.displayName, user.avatarUrl, user.langTag, user.location,
                user.timezone, user.metadata, user.identities, user.createTime, user.updateTime, user.banned());
    }

    private static UUID parse(String userId) {
        try {
            return UUID.fromString(userId);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw ApiException.invalid("Invalid user ID.");
        }
    }

    private static void checkMetadata(String metadata) {
        if (metadata.length() > MAX_METADATA_BYTES) {
            throw ApiException.invalid("Metadata must be at most " + MAX_METADATA_BYTES + " bytes.");
        }
        try {
            JsonNode node = JSON.readTree(metadata);
            if (node == null || !node.isObject()) {
                throw ApiException.invalid("Metadata must be a JSON object.");
            }
        } catch (java.io.IOException e) {
            throw ApiException.invalid("Metadata must be a JSON object.");
        }
    }
}
