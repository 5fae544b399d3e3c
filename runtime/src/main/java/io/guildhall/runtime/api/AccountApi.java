package io.guildhall.runtime.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.guildhall.runtime.account.AccountFields;
import io.guildhall.runtime.account.AccountService;
import io.guildhall.runtime.account.AccountUpdate;
import io.guildhall.runtime.account.Usernames;
import io.guildhall.runtime.http.Call;
import io.guildhall.runtime.http.Continue;
import io.guildhall.runtime.http.Json;
import io.guildhall.runtime.http.JsonBody;
import io.guildhall.runtime.util.MemoKey;
import io.guildhall.spi.ApiException;
import io.guildhall.spi.Code;
import io.guildhall.spi.Identifiers;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/** {@code GET, PUT, DELETE /v2/account} and {@code GET /v2/user}. */
final class AccountApi {
    private final AccountService accounts;
    private final AccountJson json;
    private final Continue then;
    /** Encoded Account messages by user and stored record: players fetch their account often. */
    private final Cache<MemoKey, byte[]> renderedAccounts;

    AccountApi(AccountService accounts, AccountJson json, Continue then, long memoBytes) {
        this.accounts = accounts;
        this.json = json;
        this.then = then;
        this.renderedAccounts = Caffeine.newBuilder()
                .maximumWeight(memoBytes)
                .weigher((MemoKey key, byte[] rendered) -> MemoKey.WEIGHT + 16 + rendered.length)
                .executor(Runnable::run)
                .build();
    }

    CompletableFuture<?> get(Call call) {
        return accounts.view(call.session().userId(), user -> Json.bytes(json.account(user).node()), renderedAccounts)
                .thenApply(account -> {
                    if (account == null) {
                        throw new ApiException(Code.NOT_FOUND, "Account not found.");
                    }
                    return account;
                });
    }

    CompletableFuture<?> update(Call call) {
        JsonBody body = call.body();
        String username = body.optionalString("username");
        if (username != null) {
            if (username.isEmpty() || Identifiers.utf8Length(username) > 128) {
                throw ApiException.invalid("Username invalid, must be 1-128 bytes.");
            }
            Usernames.validate(username);
        }
        AccountUpdate update = new AccountUpdate(username,
                limited(body, "display_name", "Display name", AccountService.MAX_DISPLAY_NAME),
                limited(body, "avatar_url", "Avatar URL", AccountService.MAX_AVATAR_URL),
                limited(body, "lang_tag", "Lang tag", 18),
                limited(body, "location", "Location", 255),
                limited(body, "timezone", "Timezone", 255));
        if (update.isEmpty()) {
            throw ApiException.invalid("No fields to update.");
        }
        return accounts.update(call.session().userId(), update);
    }

    private static String limited(JsonBody body, String field, String label, int maxChars) {
        return AccountFields.limited(body.optionalString(field), label, maxChars);
    }

    CompletableFuture<?> delete(Call call) {
        return accounts.delete(call.session().userId());
    }

    CompletableFuture<?> users(Call call) {
        List<String> rawIds = call.queryAll("ids");
        List<String> usernames = call.queryAll("usernames");
        List<String> facebookIds = call.queryAll("facebook_ids");
        if (rawIds.isEmpty() && usernames.isEmpty() && facebookIds.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        List<UUID> ids = new ArrayList<>();
        for (String id : rawIds) {
            ids.add(parseId(id));
        }
        return then.apply(accounts.find(ids, usernames, facebookIds), users -> {
            ArrayNode list = Json.MAPPER.createArrayNode();
            users.forEach(user -> list.add(json.user(user).node()));
            return Json.object().put("users", list).node();
        });
    }

    private static UUID parseId(String id) {
        try {
            UUID uuid = UUID.fromString(id);
            if (!uuid.toString().equalsIgnoreCase(id)) {
                throw new IllegalArgumentException();
            }
            return uuid;
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("ID '" + id + "' is not a valid system ID.");
        }
    }
}
