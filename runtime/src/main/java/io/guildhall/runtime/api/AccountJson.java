package io.guildhall.runtime.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.guildhall.runtime.account.UserRecord;
import io.guildhall.runtime.http.Json;
import io.guildhall.runtime.plugin.PluginHost;
import io.guildhall.spi.IdentityProvider;
import io.guildhall.spi.IdentitySlot;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Renders stored users as Nakama's {@code Account} and {@code User} messages. */
final class AccountJson {
    /** The provider that fills each slot of the account, found once. */
    private final Map<IdentitySlot, String> providerBySlot = new EnumMap<>(IdentitySlot.class);

    AccountJson(PluginHost plugins) {
        for (IdentitySlot slot : IdentitySlot.values()) {
            IdentityProvider provider = slot == IdentitySlot.NONE ? null : plugins.providerFor(slot);
            if (provider != null) {
                providerBySlot.put(slot, provider.id());
            }
        }
    }

    Json.Out account(UserRecord user) {
        ArrayNode devices = Json.MAPPER.createArrayNode();
        identities(user, IdentitySlot.DEVICE).forEach(id -> devices.add(Json.object().put("id", id).node()));
        return Json.object()
                .put("user", user(user))
                .put("wallet", user.wallet)
                .put("email", first(user, IdentitySlot.EMAIL))
                .put("devices", devices)
                .put("custom_id", first(user, IdentitySlot.CUSTOM))
                .put("verify_time", time(user.verifyTime));
    }

    Json.Out user(UserRecord user) {
        return Json.object()
                .put("id", user.id)
                .put("username", user.username)
                .put("display_name", user.displayName)
                .put("avatar_url", user.avatarUrl)
                .put("lang_tag", user.langTag)
                .put("location", user.location)
                .put("timezone", user.timezone)
                .put("metadata", user.metadata)
                .put("facebook_id", first(user, IdentitySlot.FACEBOOK))
                .put("google_id", first(user, IdentitySlot.GOOGLE))
                .put("gamecenter_id", first(user, IdentitySlot.GAMECENTER))
                .put("steam_id", first(user, IdentitySlot.STEAM))
                .put("edge_count", user.edgeCount)
                .put("create_time", time(user.createTime))
                .put("update_time", time(user.updateTime))
                .put("facebook_instant_game_id", first(user, IdentitySlot.FACEBOOK_INSTANT_GAME))
                .put("apple_id", first(user, IdentitySlot.APPLE));
    }

    private List<String> identities(UserRecord user, IdentitySlot slot) {
        String provider = providerBySlot.get(slot);
        return provider == null ? List.of() : user.identities(provider);
    }

    private String first(UserRecord user, IdentitySlot slot) {
        List<String> ids = identities(user, slot);
        return ids.isEmpty() ? null : ids.get(0);
    }

    /** RFC 3339 in UTC, whole seconds; the epoch means "never" and is omitted. */
    private static String time(long epochSeconds) {
        return epochSeconds == 0 ? null : Instant.ofEpochSecond(epochSeconds).toString();
    }
}
