package io.guildhall.runtime.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.guildhall.runtime.account.AccountService;
import io.guildhall.runtime.account.UserRecord;
import io.guildhall.runtime.http.Json;
import io.guildhall.runtime.http.JsonBody;
import io.guildhall.runtime.module.ModuleAccounts;
import io.guildhall.runtime.session.SessionToken;
import io.guildhall.runtime.session.TokenService;
import io.guildhall.spi.module.AccountRequest;
import io.guildhall.spi.module.AccountUpdateRequest;
import io.guildhall.spi.module.AccountView;
import io.guildhall.spi.module.LogoutRequest;
import io.guildhall.spi.module.RefreshRequest;
import io.guildhall.spi.module.SessionResult;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** How the body-shaped operations map to their hook records and back. */
final class HookMappings {
    private HookMappings() {
    }

    static HookedEndpoint.Mapping<RefreshRequest, SessionResult> refresh(TokenService tokens) {
        return HookedEndpoint.mapping(
                call -> new RefreshRequest(call.body().string("token"), call.body().stringMap("vars")),
                request -> Map.of("token", request.refreshToken(), "vars", request.vars()),
                (call, request, reply) -> {
                    SessionToken session = tokens.verifySession(sessionToken(reply));
                    return session == null ? null : new SessionResult(session.userId().toString(), session.username(), false);
                });
    }

    static HookedEndpoint.Mapping<LogoutRequest, Void> logout() {
        return HookedEndpoint.mapping(
                call -> new LogoutRequest(call.body().string("token"), call.body().string("refresh_token")),
                request -> Map.of("token", nullToEmpty(request.token()), "refresh_token", nullToEmpty(request.refreshToken())),
                (call, request, reply) -> null);
    }

    static HookedEndpoint.Mapping<AccountRequest, AccountView> accountGet(AccountService accounts) {
        return HookedEndpoint.mapping(
                call -> new AccountRequest(call.session().userId().toString()),
                request -> null,
                (call, request, reply) -> {
                    UserRecord user = accounts.byId(request.userId());
                    return user == null ? null : ModuleAccounts.toView(user);
                });
    }

    static HookedEndpoint.Mapping<AccountUpdateRequest, Void> accountUpdate() {
        return HookedEndpoint.mapping(
                call -> {
                    JsonBody body = call.body();
                    return new AccountUpdateRequest(call.session().userId().toString(), body.optionalString("username"),
                            body.optionalString("display_name"), body.optionalString("avatar_url"),
                            body.optionalString("lang_tag"), body.optionalString("location"), body.optionalString("timezone"));
                },
                request -> {
                    Map<String, String> body = new LinkedHashMap<>();
                    putIfSet(body, "username", request.username());
                    putIfSet(body, "display_name", request.displayName());
                    putIfSet(body, "avatar_url", request.avatarUrl());
                    putIfSet(body, "lang_tag", request.langTag());
                    putIfSet(body, "location", request.location());
                    putIfSet(body, "timezone", request.timezone());
                    return body;
                },
                (call, request, reply) -> null);
    }

    static HookedEndpoint.Mapping<AccountRequest, Void> accountDelete() {
        return HookedEndpoint.mapping(
                call -> new AccountRequest(call.session().userId().toString()),
                request -> null,
                (call, request, reply) -> null);
    }

    private static String sessionToken(Object reply) {
        try {
            JsonNode session = Json.MAPPER.readTree((byte[]) reply);
            return session.path("token").asText();
        } catch (IOException | ClassCastException e) {
            return "";
        }
    }

    private static void putIfSet(Map<String, String> body, String name, String value) {
        if (value != null) {
            body.put(name, value);
        }
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
