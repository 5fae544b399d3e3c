package io.guildhall.auth.google;

/**
 * A Google player as proven by an ID token or by Play Games: the id, what the platform says about
 * them, and for Play Games the id the player had before Google remapped it (else null).
 */
record GoogleIdentity(String subject, String displayName, String avatarUrl, String email, boolean emailVerified,
                      String originalSubject) {
}
