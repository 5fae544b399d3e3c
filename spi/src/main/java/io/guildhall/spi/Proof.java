package io.guildhall.spi;

import java.util.Objects;

/**
 * What an identity provider proved: the identity's subject within the provider's namespace, and
 * optionally a profile and a password. A password makes the runtime check it against the stored
 * bcrypt hash (sign-in) or store a new hash (sign-up, link); providers never see hashes.
 */
public final class Proof {
    private final String subject;
    private final String username;
    private final String password;
    private final Profile profile;

    private Proof(String subject, String username, String password, Profile profile) {
        this.subject = subject;
        this.username = username;
        this.password = password;
        this.profile = profile;
    }

    /** An identity proven by the provider itself (a device id, a verified social token). */
    public static Proof of(String subject) {
        return new Proof(Objects.requireNonNull(subject), null, null, Profile.NONE);
    }

    /** An identity that the runtime must confirm with a password. */
    public static Proof withPassword(String subject, String password) {
        return new Proof(Objects.requireNonNull(subject), null, Objects.requireNonNull(password), Profile.NONE);
    }

    /** Sign-in by username and password; never creates an account. */
    public static Proof usernameLogin(String username, String password) {
        return new Proof(null, Objects.requireNonNull(username), Objects.requireNonNull(password), Profile.NONE);
    }

    public Proof profile(Profile profile) {
        return new Proof(subject, username, password, Objects.requireNonNull(profile));
    }

    /** The identity's subject; null for a username login. */
    public String subject() {
        return subject;
    }

    /** The username of a username login, else null. */
    public String username() {
        return username;
    }

    /** The password to check or store, else null. */
    public String password() {
        return password;
    }

    public Profile profile() {
        return profile;
    }
}
