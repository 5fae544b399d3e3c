package io.guildhall.spi;

/**
 * Proves who a player is. Found with {@link java.util.ServiceLoader}; the runtime routes
 * {@code /v2/account/authenticate/{id}}, {@code /link/{id}} and {@code /unlink/{id}} to the provider
 * whose {@link #id()} matches, and owns everything else: lookup, creation, bans, passwords, tokens.
 * Failures are thrown as {@link ApiException} with the code and message the client should see.
 * Methods are called concurrently and may block (a provider may call a remote service).
 */
public interface IdentityProvider {
    /** Route segment and identity namespace, e.g. {@code "device"}. Lower-case letters and digits. */
    String id();

    /** Where identities show on the account, and whether an account may hold several. */
    default IdentitySlot slot() {
        return IdentitySlot.NONE;
    }

    /**
     * Whether this provider's identity is guarded by the account's password (email): a {@link Proof}
     * with a password stores or checks the hash, and unlinking the identity clears the password.
     */
    default boolean holdsPassword() {
        return false;
    }

    /**
     * Whether a verified email in this provider's {@link Profile} may be imported into the account's
     * email identity (a social platform that verifies emails says true).
     */
    default boolean importsProfileEmail() {
        return false;
    }

    /**
     * Whether signing in to an existing account fills its empty display name and avatar from this
     * provider's {@link Profile}, as Nakama does for Google. Creating an account and linking always
     * fill empty fields; signing in leaves the account alone unless this says true.
     */
    default boolean fillsEmptyProfileOnSignIn() {
        return false;
    }

    /**
     * The canonical form of a subject of this provider, used when another provider's profile
     * brings one (an imported email is lower-cased exactly as email sign-in does).
     */
    default String canonicalSubject(String subject) {
        return subject;
    }

    /**
     * Null when the provider has what it needs to serve requests, else what is missing (for
     * example {@code "social.apple.bundle_id is not set"}); logged at start-up.
     */
    default String configurationProblem() {
        return null;
    }

    /** The configuration section read at start-up; the default is the provider id. */
    default String configSection() {
        return id();
    }

    /**
     * Whether {@link #prove} or {@link #unlinkSubject} may block (call a remote service, read a
     * file). Only a provider that never blocks may say false: the runtime then calls it on an IO
     * thread, saving two thread hand-offs per sign-in.
     */
    default boolean mayBlock() {
        return true;
    }

    /** Called once before the server accepts requests; throw to refuse start-up. */
    default void init(ProviderContext context) throws Exception {
    }

    /**
     * For a provider that may block: the proof when it can be made at once without blocking (say,
     * the platform's keys are cached), or null to have the runtime call {@link #prove} on the
     * provider's own threads. Called on an IO thread: it must never wait for anything. Throwing
     * {@link ApiException} refuses the request as {@code prove} would.
     */
    default Proof proveWithoutBlocking(ProviderRequest request) {
        return null;
    }

    /** Validates the request and proves the identity, for sign-in and for link. */
    Proof prove(ProviderRequest request);

    /**
     * The subject to unlink, after verifying it where the provider can, or null to unlink whatever
     * identity of this provider the account holds.
     */
    String unlinkSubject(ProviderRequest request);

    /** Called once at shutdown, in reverse order of start. */
    default void close() {
    }

    /** The message for a link conflict (code 6), e.g. {@code "Custom ID is already in use."}. */
    String alreadyInUseMessage();
}
