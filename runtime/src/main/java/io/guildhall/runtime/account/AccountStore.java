package io.guildhall.runtime.account;

import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.guildhall.runtime.http.Json;
import io.guildhall.runtime.store.KvMap;
import io.guildhall.runtime.store.Store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Where accounts live in the store: {@code users} (id to record), two unique indexes,
 * {@code identities} ("provider:subject" to id) and {@code usernames} (username to id), and
 * {@code user_identities} ("id|provider:subject", empty), an account's identities one entry each:
 * linking one writes two small entries and the record (whose version changes), never the whole list.
 * Mutating methods must run inside {@link Store#write}.
 */
final class AccountStore {
    private static final ObjectReader READER = Json.MAPPER.readerFor(UserRecord.class);
    private static final ObjectWriter WRITER = Json.MAPPER.writerFor(UserRecord.class);

    private static final byte[] NOTHING = new byte[0];

    private final KvMap users;
    private final KvMap identities;
    private final KvMap usernames;
    private final KvMap userIdentities;

    AccountStore(Store store) {
        this.users = store.map("users");
        this.identities = store.map("identities");
        this.usernames = store.map("usernames");
        this.userIdentities = store.map("user_identities");
    }

    UserRecord load(String userId) {
        byte[] bytes = users.get(userId);
        return bytes == null ? null : decodeWithIdentities(userId, bytes);
    }

    /** The record with its identities, as {@link #load} returns it. */
    UserRecord decodeWithIdentities(String userId, byte[] stored) {
        UserRecord user = decode(stored);
        user.identitiesInRecord = !user.identities.isEmpty();
        Map<String, Set<String>> held = new TreeMap<>();
        user.identities.forEach((provider, subjects) -> held.put(provider, new LinkedHashSet<>(subjects)));
        String prefix = userId + "|";
        userIdentities.forEachWithPrefix(prefix, (key, empty) -> {
            String identity = key.substring(prefix.length());
            int colon = identity.indexOf(':');
            held.computeIfAbsent(identity.substring(0, colon), p -> new LinkedHashSet<>()).add(identity.substring(colon + 1));
        });
        held.forEach((provider, subjects) -> user.identities.put(provider, new ArrayList<>(subjects)));
        return user;
    }

    /** The stored form of the user, or null. */
    byte[] loadBytes(String userId) {
        return users.get(userId);
    }

    static UserRecord decode(byte[] stored) {
        try {
            return READER.readValue(stored);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable user record", e);
        }
    }

    String ownerOf(String provider, String subject) {
        byte[] owner = identities.get(identityKey(provider, subject));
        return owner == null ? null : new String(owner, StandardCharsets.US_ASCII);
    }

    String ownerOfUsername(String username) {
        byte[] owner = usernames.get(username);
        return owner == null ? null : new String(owner, StandardCharsets.US_ASCII);
    }

    void save(UserRecord user) {
        if (user.identitiesInRecord) {
            // written before identities had entries of their own: move them out, once
            user.identities.forEach((provider, subjects) -> subjects.forEach(
                    subject -> userIdentities.put(userIdentityKey(user.id, provider, subject), NOTHING)));
            user.identitiesInRecord = false;
        }
        user.version++;
        users.put(user.id, encode(user));
    }

    static byte[] encode(UserRecord user) {
        try {
            return WRITER.writeValueAsBytes(user);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode user record " + user.id, e);
        }
    }

    /** Records the identity as the user's: its owner index and the user's own entry. */
    void indexIdentity(String provider, String subject, String userId) {
        identities.put(identityKey(provider, subject), ascii(userId));
        userIdentities.put(userIdentityKey(userId, provider, subject), NOTHING);
    }

    void unindexIdentity(String provider, String subject) {
        String owner = ownerOf(provider, subject);
        identities.remove(identityKey(provider, subject));
        if (owner != null) {
            userIdentities.remove(userIdentityKey(owner, provider, subject));
        }
    }

    void indexUsername(String username, String userId) {
        usernames.put(username, ascii(userId));
    }

    void unindexUsername(String username) {
        usernames.remove(username);
    }

    void delete(UserRecord user) {
        user.identities.forEach((provider, subjects) -> subjects.forEach(s -> unindexIdentity(provider, s)));
        unindexUsername(user.username);
        users.remove(user.id);
    }

    // Provider ids are lower-case letters and digits, so the first ':' always ends the provider.
    private static String identityKey(String provider, String subject) {
        return provider + ":" + subject;
    }

    // User ids are UUIDs, so "id|" is a prefix of this user's entries only.
    private static String userIdentityKey(String userId, String provider, String subject) {
        return userId + "|" + provider + ":" + subject;
    }

    private static byte[] ascii(String value) {
        return value.getBytes(StandardCharsets.US_ASCII);
    }
}
