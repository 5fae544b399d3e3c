package io.guildhall.runtime.account;

import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.guildhall.runtime.http.Json;
import io.guildhall.runtime.store.KvMap;
import io.guildhall.runtime.store.Store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Where accounts live in the store: {@code users} (id to record), and two unique indexes,
 * {@code identities} ("provider:subject" to id) and {@code usernames} (username to id).
 * Mutating methods must run inside {@link Store#write}.
 */
final class AccountStore {
    private static final ObjectReader READER = Json.MAPPER.readerFor(UserRecord.class);
    private static final ObjectWriter WRITER = Json.MAPPER.writerFor(UserRecord.class);

    private final KvMap users;
    private final KvMap identities;
    private final KvMap usernames;

    AccountStore(Store store) {
        this.users = store.map("users");
        this.identities = store.map("identities");
        this.usernames = store.map("usernames");
    }

    UserRecord load(String userId) {
        byte[] bytes = users.get(userId);
        return bytes == null ? null : decode(bytes);
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
        users.put(user.id, encode(user));
    }

    static byte[] encode(UserRecord user) {
        try {
            return WRITER.writeValueAsBytes(user);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode user record " + user.id, e);
        }
    }

    void indexIdentity(String provider, String subject, String userId) {
        identities.put(identityKey(provider, subject), ascii(userId));
    }

    void unindexIdentity(String provider, String subject) {
        identities.remove(identityKey(provider, subject));
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

    private static byte[] ascii(String value) {
        return value.getBytes(StandardCharsets.US_ASCII);
    }
}
