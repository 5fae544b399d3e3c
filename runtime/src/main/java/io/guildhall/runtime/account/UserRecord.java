package io.guildhall.runtime.account;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A user as stored (JSON in the {@code users} map). Identities are kept per provider id; the
 * {@code identities} map of the store indexes them back to the user. Times are epoch seconds.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class UserRecord {
    public String id;
    public String username;
    public String displayName;
    public String avatarUrl;
    public String langTag = "en";
    public String location;
    public String timezone;
    public String metadata = "{}";
    public String wallet = "{}";
    /** bcrypt hash of the password that guards the email identity and username login. */
    public String passwordHash;
    /**
     * Kept in the store one entry per identity ({@code AccountStore}), so that a link writes one
     * small entry rather than the whole list: read from records written before that, never written.
     */
    @JsonProperty(access = JsonProperty.Access.WRITE_ONLY)
    public Map<String, List<String>> identities = new TreeMap<>();
    /** Bumped by every save, so the stored bytes (and memos keyed by them) change with any change. */
    public long version;
    /** The record was read with its identities inside: the next save moves them out. */
    @JsonIgnore
    boolean identitiesInRecord;
    public long createTime;
    public long updateTime;
    public long verifyTime;
    public long disableTime;
    public int edgeCount;

    public boolean banned() {
        return disableTime != 0;
    }

    public List<String> identities(String provider) {
        return identities.getOrDefault(provider, List.of());
    }

    public void addIdentity(String provider, String subject, boolean many) {
        List<String> subjects = many ? new ArrayList<>(identities(provider)) : new ArrayList<>();
        if (!subjects.contains(subject)) {
            subjects.add(subject);
        }
        identities.put(provider, subjects);
    }

    public void removeIdentity(String provider, String subject) {
        List<String> subjects = new ArrayList<>(identities(provider));
        subjects.remove(subject);
        if (subjects.isEmpty()) {
            identities.remove(provider);
        } else {
            identities.put(provider, subjects);
        }
    }

    public int identityCount() {
        return identities.values().stream().mapToInt(List::size).sum();
    }
}
