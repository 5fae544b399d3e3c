package io.guildhall.spi;

/**
 * Profile data a provider learned while proving an identity. Any field may be null. The runtime
 * fills empty account fields from it, and imports the email (normalised like email sign-in) when
 * the provider declares {@link IdentityProvider#importsProfileEmail()}, the platform said the email
 * is verified, and no other account holds it.
 */
public record Profile(String displayName, String avatarUrl, String email, boolean emailVerified) {
    public static final Profile NONE = new Profile(null, null, null, false);

    /** A profile whose email, if any, the platform did not say is verified (it is never imported). */
    public Profile(String displayName, String avatarUrl, String email) {
        this(displayName, avatarUrl, email, false);
    }
}
