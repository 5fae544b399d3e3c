package io.guildhall.spi;

/**
 * Profile data a provider learned while proving an identity. Any field may be null. The runtime
 * fills empty account fields from it and imports the email when no other account holds it.
 */
public record Profile(String displayName, String avatarUrl, String email) {
    public static final Profile NONE = new Profile(null, null, null);
}
