package io.guildhall.runtime.account;

import io.guildhall.runtime.http.LoginAttempts;
import io.guildhall.runtime.session.Revocations;
import io.guildhall.runtime.store.Store;
import io.guildhall.runtime.util.MemoKey;
import io.guildhall.spi.ApiException;
import io.guildhall.spi.Code;
import io.guildhall.spi.IdentityProvider;
import io.guildhall.spi.IdentitySlot;
import io.guildhall.spi.Profile;
import io.guildhall.spi.Proof;
import io.guildhall.runtime.util.UuidV7;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Account rules shared by every identity provider: sign-in and sign-up, link, unlink, update,
 * delete and lookup. Each change runs under the store's write lock (checks first, then writes) and
 * completes once durable; reads wait for the store's durability barrier before answering.
 */
public final class AccountService {
    /** Longest display name and avatar URL an account takes (Nakama's columns); the account API checks the same. */
    public static final int MAX_DISPLAY_NAME = 255;
    public static final int MAX_AVATAR_URL = 512;

    static final String LAST_IDENTITY = "Cannot unlink last account identifier. Check profile exists and is not last link.";
    private static final int USERNAME_ATTEMPTS = 5;

    private final Store store;
    private final AccountStore accounts;
    private final Passwords passwords;
    private final Revocations revocations;
    private final Executor writers;
    private final Function<IdentitySlot, IdentityProvider> slotOwners;
    private final int maxIdentities;
    private final LoginAttempts loginAttempts;
    /**
     * What a sign-in needs of an account, by user and stored record (as the API's views are
     * memoised): decoding the whole record and scanning its identities was a third of the work of
     * signing in to an existing account, and accounts change far less often than players sign in.
     */
    private final Cache<MemoKey, Holder> holders;

    private record Holder(String id, String username, boolean banned, String passwordHash, boolean missingDisplayName,
                          boolean missingAvatar) {
        static Holder of(UserRecord user) {
            return new Holder(user.id, user.username, user.banned(), user.passwordHash, isEmpty(user.displayName),
                    isEmpty(user.avatarUrl));
        }

        long weight() {
            return MemoKey.WEIGHT + 96 + 2L * (id.length() + username.length() + (passwordHash == null ? 0 : passwordHash.length()));
        }
    }

    /**
     * @param writers       runs account creation, which takes the store's write lock
     * @param slotOwners    names the provider that fills each slot of the account (where imported
     *                      emails go, which provider's identities {@code GET /v2/user?facebook_ids=} looks up)
     * @param maxIdentities most identities one account may hold ({@code account.max_identities})
     * @param loginAttempts the limiter every password check goes through
     * @param memoBytes     bound of the sign-in memo ({@code account.memo_cache_bytes})
     */
    public AccountService(Store store, Passwords passwords, Revocations revocations, Executor writers,
                          Function<IdentitySlot, IdentityProvider> slotOwners, int maxIdentities,
                          LoginAttempts loginAttempts, long memoBytes) {
        this.holders = Caffeine.newBuilder()
                .maximumWeight(memoBytes)
                .weigher((MemoKey key, Holder holder) -> (int) Math.min(Integer.MAX_VALUE, holder.weight()))
                .executor(Runnable::run)
                .build();
        this.store = store;
        this.writers = writers;
        this.slotOwners = slotOwners;
        this.accounts = new AccountStore(store);
        this.passwords = passwords;
        this.revocations = revocations;
        this.maxIdentities = maxIdentities;
        this.loginAttempts = loginAttempts;
    }

    /** The outcome of a sign-in: the account, and whether this call created it. */
    public record SignIn(String userId, String username, boolean created) {
    }

    /** @param clientAddress where the request came from, for the login-attempt limits of password sign-ins */
    public CompletableFuture<SignIn> authenticate(IdentityProvider provider, Proof proof, boolean create, String username,
                                                  String clientAddress) {
        if (proof.password() != null) {
            loginAttempts.checkAllowed(null, clientAddress);
        }
        if (proof.username() != null) {
            return usernameLogin(provider, proof, clientAddress);
        }
        String owner = accounts.ownerOf(provider.id(), proof.subject());
        if (owner != null) {
            return signInExisting(provider, owner, proof, clientAddress);
        }
        if (proof.previousSubject() != null && accounts.ownerOf(provider.id(), proof.previousSubject()) != null) {
            return rekey(provider, proof, clientAddress);
        }
        if (!create) {
            if (proof.password() != null) {
                loginAttempts.failed(null, clientAddress);
            }
            return CompletableFuture.failedFuture(new ApiException(Code.NOT_FOUND, "User account not found."));
        }
        CompletableFuture<String> hash = proof.password() == null
                ? CompletableFuture.completedFuture(null) : passwords.hash(proof.password());
        // The write lock may wait for a commit in progress: never take it on an IO thread.
        return hash.thenComposeAsync(passwordHash -> store.write(() -> createLocked(provider, proof, username, passwordHash)), writers)
                .thenCompose(created -> created != null
                        ? CompletableFuture.completedFuture(new SignIn(created.id, created.username, true))
                        // Another request created this identity first: sign in to that account instead.
                        : signInExisting(provider, accounts.ownerOf(provider.id(), proof.subject()), proof, clientAddress));
    }

    /** Moves the account that holds the previous subject to the new one, then signs in to it. */
    private CompletableFuture<SignIn> rekey(IdentityProvider provider, Proof proof, String clientAddress) {
        return CompletableFuture.supplyAsync(() -> store.write(() -> {
            String previousOwner = accounts.ownerOf(provider.id(), proof.previousSubject());
            if (previousOwner != null && accounts.ownerOf(provider.id(), proof.subject()) == null) {
                UserRecord user = accounts.load(previousOwner);
                user.removeIdentity(provider.id(), proof.previousSubject());
                user.addIdentity(provider.id(), proof.subject(), provider.slot().many());
                user.updateTime = nowSec();
                accounts.unindexIdentity(provider.id(), proof.previousSubject());
                accounts.indexIdentity(provider.id(), proof.subject(), user.id);
                accounts.save(user);
            }
            return null;
        }), writers).thenCompose(write -> write)
                .thenCompose(v -> signInExisting(provider, accounts.ownerOf(provider.id(), proof.subject()), proof, clientAddress));
    }

    private CompletableFuture<SignIn> usernameLogin(IdentityProvider provider, Proof proof, String clientAddress) {
        String owner = accounts.ownerOfUsername(proof.username());
        if (owner == null) {
            loginAttempts.failed(null, clientAddress);
            return CompletableFuture.failedFuture(new ApiException(Code.NOT_FOUND, "User account not found."));
        }
        return signInExisting(provider, owner, proof, clientAddress);
    }

    private CompletableFuture<SignIn> signInExisting(IdentityProvider provider, String userId, Proof proof,
                                                     String clientAddress) {
        Holder user = userId == null ? null : holder(userId);
        if (user == null) {
            return CompletableFuture.failedFuture(new ApiException(Code.NOT_FOUND, "User account not found."));
        }
        if (user.banned()) {
            return CompletableFuture.failedFuture(new ApiException(Code.PERMISSION_DENIED, "User account banned."));
        }
        SignIn signIn = new SignIn(user.id(), user.username(), false);
        if (proof.password() == null) {
            if (fillsProfile(provider, user, proof.profile())) {
                return fillEmptyProfile(user.id(), proof.profile()).thenCompose(v -> store.durable()).thenApply(v -> signIn);
            }
            return store.durable().thenApply(v -> signIn);
        }
        // checked before bcrypt runs: a locked account or address costs no hashing
        loginAttempts.checkAllowed(user.id(), clientAddress);
        return passwords.matches(proof.password(), user.passwordHash()).thenCompose(matches -> {
            if (!matches) {
                loginAttempts.failed(user.id(), clientAddress);
                throw ApiException.unauthenticated("Invalid credentials.");
            }
            loginAttempts.succeeded(user.id());
            return store.durable().thenApply(v -> signIn);
        });
    }

    /**
     * Whether this sign-in fills the account's empty display name or avatar: only for a provider
     * that declares it, and read from the memo, so an account with both set costs no write.
     */
    private static boolean fillsProfile(IdentityProvider provider, Holder user, Profile profile) {
        return provider.fillsEmptyProfileOnSignIn()
                && (user.missingDisplayName() && fits(profile.displayName(), MAX_DISPLAY_NAME)
                        || user.missingAvatar() && fits(profile.avatarUrl(), MAX_AVATAR_URL));
    }

    private CompletableFuture<Void> fillEmptyProfile(String userId, Profile profile) {
        // The write lock may wait for a commit in progress: never take it on an IO thread.
        return CompletableFuture.supplyAsync(() -> store.write(() -> {
            UserRecord record = accounts.load(userId);
            if (record != null && fillEmptyNames(record, profile)) {
                record.updateTime = nowSec();
                accounts.save(record);
            }
            return (Void) null;
        }), writers).thenCompose(write -> write);
    }

    /** Fills an empty display name and avatar from the profile; true when either changed. */
    private static boolean fillEmptyNames(UserRecord user, Profile profile) {
        boolean changed = false;
        if (isEmpty(user.displayName) && fits(profile.displayName(), MAX_DISPLAY_NAME)) {
            user.displayName = profile.displayName();
            changed = true;
        }
        if (isEmpty(user.avatarUrl) && fits(profile.avatarUrl(), MAX_AVATAR_URL)) {
            user.avatarUrl = profile.avatarUrl();
            changed = true;
        }
        return changed;
    }

    private static boolean fits(String value, int maxChars) {
        return value != null && !value.isEmpty() && value.length() <= maxChars;
    }

    private static boolean isEmpty(String value) {
        return value == null || value.isEmpty();
    }

    /** What a sign-in needs of the account, or null when there is no such account. */
    private Holder holder(String userId) {
        byte[] stored = accounts.loadBytes(userId);
        return stored == null ? null : holders.get(MemoKey.of(UUID.fromString(userId), stored),
                k -> Holder.of(AccountStore.decode(stored)));
    }

    /** Creates the account, or returns null when the identity was taken meanwhile. */
    private UserRecord createLocked(IdentityProvider provider, Proof proof, String requestedUsername, String passwordHash) {
        if (accounts.ownerOf(provider.id(), proof.subject()) != null) {
            return null;
        }
        String username = chooseUsername(requestedUsername);
        long now = nowSec();
        UserRecord user = new UserRecord();
        user.id = UuidV7.mint(System.currentTimeMillis());
        user.username = username;
        user.createTime = now;
        user.updateTime = now;
        user.passwordHash = passwordHash;
        user.addIdentity(provider.id(), proof.subject(), provider.slot().many());
        applyProfile(user, provider, proof.profile());
        accounts.save(user);
        accounts.indexIdentity(provider.id(), proof.subject(), user.id);
        accounts.indexUsername(username, user.id);
        return user;
    }

    private String chooseUsername(String requested) {
        if (requested != null && !requested.isEmpty()) {
            if (accounts.ownerOfUsername(requested) != null) {
                throw new ApiException(Code.ALREADY_EXISTS, "Username is already in use.");
            }
            return requested;
        }
        for (int attempt = 0; attempt < USERNAME_ATTEMPTS; attempt++) {
            String generated = Usernames.generate();
            if (accounts.ownerOfUsername(generated) == null) {
                return generated;
            }
        }
        throw new ApiException(Code.ALREADY_EXISTS, "Username is already in use.");
    }

    /**
     * Fills empty profile fields, and imports a verified email (in the email provider's canonical
     * form) when the provider allows it, the account has none and no account holds it yet.
     */
    private void applyProfile(UserRecord user, IdentityProvider provider, Profile profile) {
        fillEmptyNames(user, profile);
        IdentityProvider emails = slotOwners.apply(IdentitySlot.EMAIL);
        if (emails == null || !provider.importsProfileEmail() || !profile.emailVerified()
                || profile.email() == null || profile.email().isEmpty()) {
            return;
        }
        String email = emails.canonicalSubject(profile.email());
        if (user.identities(emails.id()).isEmpty() && user.identityCount() < maxIdentities
                && accounts.ownerOf(emails.id(), email) == null) {
            user.addIdentity(emails.id(), email, false);
            accounts.indexIdentity(emails.id(), email, user.id);
        }
    }

    public CompletableFuture<Void> link(UUID userId, IdentityProvider provider, Proof proof) {
        CompletableFuture<String> hash = proof.password() == null
                ? CompletableFuture.completedFuture(null) : passwords.hash(proof.password());
        return hash.thenCompose(passwordHash -> store.write(() -> {
            UserRecord user = loadOrNotFound(userId, "User account not found.");
            String owner = accounts.ownerOf(provider.id(), proof.subject());
            if (owner != null && !owner.equals(user.id)) {
                throw new ApiException(Code.ALREADY_EXISTS, provider.alreadyInUseMessage());
            }
            List<String> held = user.identities(provider.id());
            boolean adds = !held.contains(proof.subject()) && (provider.slot().many() || held.isEmpty());
            if (adds && user.identityCount() >= maxIdentities) {
                throw new ApiException(Code.FAILED_PRECONDITION,
                        "Account cannot hold more than " + maxIdentities + " linked identities.");
            }
            if (!provider.slot().many()) {
                for (String old : user.identities(provider.id())) {
                    if (!old.equals(proof.subject())) {
                        accounts.unindexIdentity(provider.id(), old);
                    }
                }
            }
            user.addIdentity(provider.id(), proof.subject(), provider.slot().many());
            if (passwordHash != null) {
                user.passwordHash = passwordHash;
            }
            applyProfile(user, provider, proof.profile());
            user.updateTime = nowSec();
            accounts.indexIdentity(provider.id(), proof.subject(), user.id);
            accounts.save(user);
            return null;
        }));
    }

    /** Removes the identity (any of the provider's when {@code subject} is null), never the last one. */
    public CompletableFuture<Void> unlink(UUID userId, IdentityProvider provider, String subject) {
        return store.write(() -> {
            UserRecord user = accounts.load(userId.toString());
            if (user == null) {
                throw new ApiException(Code.PERMISSION_DENIED, LAST_IDENTITY);
            }
            List<String> held = user.identities(provider.id());
            String target = subject != null ? subject : held.isEmpty() ? null : held.get(0);
            if (target == null || !held.contains(target) || user.identityCount() <= 1) {
                throw new ApiException(Code.PERMISSION_DENIED, LAST_IDENTITY);
            }
            user.removeIdentity(provider.id(), target);
            accounts.unindexIdentity(provider.id(), target);
            if (provider.holdsPassword()) {
                user.passwordHash = null;
            }
            user.updateTime = nowSec();
            accounts.save(user);
            return null;
        });
    }

    /**
     * The account as {@code view} renders it, once everything it may reflect is durable; null when
     * it does not exist. Renderings are memoised by user id and a hash of the stored record, so an unchanged
     * account is not decoded and rendered again; any change stores new content.
     */
    public <T> CompletableFuture<T> view(UUID userId, Function<UserRecord, T> view, Cache<MemoKey, T> rendered) {
        byte[] stored = accounts.loadBytes(userId.toString());
        T result = stored == null ? null : rendered.get(MemoKey.of(userId, stored),
                k -> view.apply(accounts.decodeWithIdentities(userId.toString(), stored)));
        return store.durable().thenApply(v -> result);
    }

    public CompletableFuture<Void> update(UUID userId, AccountUpdate update) {
        return store.write(() -> {
            UserRecord user = loadOrNotFound(userId, "Account not found.");
            byte[] before = AccountStore.encode(user);
            if (update.username() != null && !update.username().equals(user.username)) {
                if (accounts.ownerOfUsername(update.username()) != null) {
                    throw ApiException.invalid("Username is already in use.");
                }
                accounts.unindexUsername(user.username);
                accounts.indexUsername(update.username(), user.id);
                user.username = update.username();
            }
            user.displayName = updated(update.displayName(), user.displayName);
            user.avatarUrl = updated(update.avatarUrl(), user.avatarUrl);
            user.langTag = updated(update.langTag(), user.langTag);
            user.location = updated(update.location(), user.location);
            user.timezone = updated(update.timezone(), user.timezone);
            if (update.metadata() != null) {
                user.metadata = update.metadata().isEmpty() ? "{}" : update.metadata();
            }
            // Setting identical values is a no-op, update time included (as Nakama's "is distinct from").
            if (!Arrays.equals(before, AccountStore.encode(user))) {
                user.updateTime = nowSec();
                accounts.save(user);
            }
            return null;
        });
    }

    /**
     * Bans or unbans the account. A ban ends every session of the player (durably, like a logout
     * everywhere) and sign-in answers "User account banned." until the unban.
     */
    public CompletableFuture<Void> setBanned(UUID userId, boolean banned) {
        CompletableFuture<Void> changed = store.write(() -> {
            UserRecord user = loadOrNotFound(userId, "Account not found.");
            if (user.banned() != banned) {
                user.disableTime = banned ? nowSec() : 0;
                user.updateTime = nowSec();
                accounts.save(user);
            }
            return null;
        });
        if (!banned) {
            return changed;
        }
        return changed.thenCompose(v -> revocations.revokeAllBefore(userId, System.currentTimeMillis() + 1));
    }

    /** The stored account, or null. For server modules; what it returns may not be durable yet. */
    public UserRecord byId(String userId) {
        return accounts.load(userId);
    }

    public UserRecord byUsername(String username) {
        String owner = accounts.ownerOfUsername(username);
        return owner == null ? null : accounts.load(owner);
    }

    public UserRecord byIdentity(String provider, String subject) {
        String owner = accounts.ownerOf(provider, subject);
        return owner == null ? null : accounts.load(owner);
    }

    /** Completes once everything read so far is durable. */
    public CompletableFuture<Void> durable() {
        return store.durable();
    }

    /**
     * Deletes the account and invalidates all its tokens, in one write; a missing account is not an
     * error. The user id is marked deleted, so a sign-in that read the account before the delete
     * cannot mint a token after it (see {@link Revocations#markDeletedWithinWrite}).
     */
    public CompletableFuture<Void> delete(UUID userId) {
        return store.write(() -> {
            UserRecord user = accounts.load(userId.toString());
            if (user != null) {
                accounts.delete(user);
            }
            revocations.markDeletedWithinWrite(userId, System.currentTimeMillis());
            return null;
        });
    }

    /** Users by id, username or Facebook id, each once, in the order asked; unknown ones are skipped. */
    public CompletableFuture<List<UserRecord>> find(List<UUID> ids, List<String> usernames, List<String> facebookIds) {
        Map<String, UserRecord> found = new LinkedHashMap<>();
        ids.forEach(id -> addIfPresent(found, id.toString()));
        usernames.forEach(name -> addIfPresent(found, accounts.ownerOfUsername(name)));
        IdentityProvider facebook = slotOwners.apply(IdentitySlot.FACEBOOK);
        if (facebook != null) {
            facebookIds.forEach(fb -> addIfPresent(found, accounts.ownerOf(facebook.id(), fb)));
        }
        List<UserRecord> users = new ArrayList<>(found.values());
        return store.durable().thenApply(v -> users);
    }

    private void addIfPresent(Map<String, UserRecord> found, String userId) {
        if (userId != null && !found.containsKey(userId)) {
            UserRecord user = accounts.load(userId);
            if (user != null) {
                found.put(userId, user);
            }
        }
    }

    private UserRecord loadOrNotFound(UUID userId, String message) {
        UserRecord user = accounts.load(userId.toString());
        if (user == null) {
            throw new ApiException(Code.NOT_FOUND, message);
        }
        return user;
    }

    /** A StringValue field of an update: absent keeps the value, "" clears it. */
    private static String updated(String requested, String current) {
        if (requested == null) {
            return current;
        }
        return requested.isEmpty() ? null : requested;
    }

    private static long nowSec() {
        return System.currentTimeMillis() / 1000;
    }
}
