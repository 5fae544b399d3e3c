package io.guildhall.runtime.console;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guildhall.runtime.account.AccountService;
import io.guildhall.runtime.account.UserRecord;
import io.guildhall.runtime.http.Call;
import io.guildhall.spi.ApiException;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/** The console's view of game accounts: look one up (id, username, or a provider's subject) and ban or unban it. */
final class ConsoleAccountsApi {
    private final AccountService accounts;

    ConsoleAccountsApi(AccountService accounts) {
        this.accounts = accounts;
    }

    /** GET /v1/console/account?id= | ?username= | ?provider=device&subject=… (exactly one way). */
    CompletableFuture<?> lookup(Call call) {
        String id = call.query("id").orElse("");
        String username = call.query("username").orElse("");
        String provider = call.query("provider").orElse("");
        String subject = call.query("subject").orElse("");
        int ways = (id.isEmpty() ? 0 : 1) + (username.isEmpty() ? 0 : 1) + (provider.isEmpty() && subject.isEmpty() ? 0 : 1);
        if (ways != 1 || (!provider.isEmpty() && subject.isEmpty()) || (provider.isEmpty() && !subject.isEmpty())) {
            throw ApiException.invalid("Give exactly one of id, username, or provider with subject.");
        }
        for (String value : List.of(id, username, provider, subject)) {
            if (value.length() > 512) {
                throw ApiException.invalid("Lookup values are at most 512 characters.");
            }
        }
        UserRecord user;
        if (!id.isEmpty()) {
            user = accounts.byId(uuid(id).toString());
        } else if (!username.isEmpty()) {
            user = accounts.byUsername(username);
        } else {
            user = accounts.byIdentity(provider, subject);
        }
        if (user == null) {
            throw new ApiException(io.guildhall.spi.Code.NOT_FOUND, "Account not found.");
        }
        ObjectNode account = JsonNodeFactory.instance.objectNode();
        account.put("id", user.id);
        account.put("username", user.username);
        account.put("display_name", user.displayName == null ? "" : user.displayName);
        account.put("create_time", Instant.ofEpochSecond(user.createTime).toString());
        account.put("banned", user.banned());
        ObjectNode identities = account.putObject("identities");
        user.identities.forEach((p, subjects) -> subjects.forEach(identities.putArray(p)::add));
        return accounts.durable().thenApply(v -> {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.set("account", account);
            return body;
        });
    }

    /** POST /v1/console/account/{id}/ban: ends the account's sessions; sign-in is refused until the unban. */
    CompletableFuture<?> ban(Call call) {
        return accounts.setBanned(uuid(call.pathParam("id")), true).thenApply(v -> JsonNodeFactory.instance.objectNode());
    }

    /** POST /v1/console/account/{id}/unban */
    CompletableFuture<?> unban(Call call) {
        return accounts.setBanned(uuid(call.pathParam("id")), false).thenApply(v -> JsonNodeFactory.instance.objectNode());
    }

    private static UUID uuid(String text) {
        try {
            return UUID.fromString(text == null ? "" : text);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("Invalid account id: it must be a UUID.");
        }
    }
}
