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
    private final String previousSubject;

    private Proof(String subject, String username, String password, Profile profile, String previousSubject) {
        this.subject = subject;
        this.username = username;
        this.password = password;
        this.profile = profile;
        this.previousSubject = previousSubject;
    }

    /** An identity proven by the provider itself (a device id, a verified social token). */
    public static Proof of(String subject) {
        return new Proof(Objects.requireNonNull(subject), null, null, Profile.NONE, null);
    }

    /** An identity that the runtime must confirm with a password. */
    public static Proof withPassword(String subject, String password) {
        return new Proof(Objects.requireNonNull(subject), null, Objects.requireNonNull(password), Profile.NONE, null);
    }

    /** Sign-in by username and password; never creates an account. */
    public static Proof usernameLogin(String username, String password) {
        return new Proof(null, Objects.requireNonNull(username), Objects.requireNonNull(password), Profile.NONE, null);
    }

    public Proof profile(Profile profile) {
        return new Proof(subject, username, password, Objects.requireNonNull(profile), previousSubject);
    }

    /**
     * Says that the platform now names this identity {@code subject} but used to name it
     * {@code previous} (e.g. a Play Games player id that was remapped): an account holding the
     * previous subject, when none holds the new one, is re-keyed to the new subject on sign-in.
     */
    public Proof replacing(String previous) {
        return new Proof(subject, username, password, profile, previous);
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

    /** The subject this identity used to have at the platform, or null. */
    public String previousSubject() {
        return previousSubject;
    }
}
