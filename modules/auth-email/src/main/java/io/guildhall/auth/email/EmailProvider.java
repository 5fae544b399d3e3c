package io.guildhall.auth.email;

import io.guildhall.spi.ApiException;
import io.guildhall.spi.IdentityProvider;
import io.guildhall.spi.IdentitySlot;
import io.guildhall.spi.Identifiers;
import io.guildhall.spi.Operation;
import io.guildhall.spi.Proof;
import io.guildhall.spi.ProviderRequest;
import io.guildhall.spi.RequestBody;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Email and password, or username and password when the email is empty. The runtime checks and
 * stores the password (bcrypt); this class only validates and normalises what the client sent.
 */
public final class EmailProvider implements IdentityProvider {
    private static final Pattern EMAIL_FORMAT = Pattern.compile("^.+@.+\\..+$");
    // bcrypt reads at most 72 bytes; longer passwords would be silently truncated.
    private static final int MAX_PASSWORD_BYTES = 72;

    @Override
    public String id() {
        return "email";
    }

    @Override
    public IdentitySlot slot() {
        return IdentitySlot.EMAIL;
    }

    @Override
    public boolean mayBlock() {
        return false;
    }

    @Override
    public boolean holdsPassword() {
        return true;
    }

    @Override
    public String canonicalSubject(String email) {
        return normalise(email);
    }

    @Override
    public Proof prove(ProviderRequest request) {
        return request.operation() == Operation.LINK ? proveForLink(request.body()) : proveForSignIn(request);
    }

    private Proof proveForSignIn(ProviderRequest request) {
        RequestBody body = request.body();
        String email = body.string("email");
        String password = body.string("password");
        if (!email.isEmpty()) {
            checkEmailCharacters(email);
            checkEmailFormat(email);
            checkEmailLength(email);
        }
        checkPassword(password);
        if (email.isEmpty()) {
            String username = request.query("username").orElse("");
            if (username.isEmpty()) {
                throw ApiException.invalid("Username is required when email address is not supplied.");
            }
            return Proof.usernameLogin(username, password);
        }
        return Proof.withPassword(normalise(email), password);
    }

    private Proof proveForLink(RequestBody body) {
        String email = body.string("email");
        String password = body.string("password");
        if (email.isEmpty() || password.isEmpty()) {
            throw ApiException.invalid("Email address and password is required.");
        }
        checkEmailCharacters(email);
        checkPassword(password);
        checkEmailFormat(email);
        checkEmailLength(email);
        return Proof.withPassword(normalise(email), password);
    }

    @Override
    public String unlinkSubject(ProviderRequest request) {
        String email = request.body().string("email");
        return email.isEmpty() ? null : normalise(email);
    }

    @Override
    public String alreadyInUseMessage() {
        return "Email is already in use.";
    }

    private static String normalise(String email) {
        return email.toLowerCase(Locale.ROOT);
    }

    private static void checkEmailCharacters(String email) {
        if (Identifiers.hasControlOrSpace(email)) {
            throw ApiException.invalid("Invalid email address, no spaces or control characters allowed.");
        }
    }

    private static void checkEmailFormat(String email) {
        if (!EMAIL_FORMAT.matcher(email).matches()) {
            throw ApiException.invalid("Invalid email address format.");
        }
    }

    private static void checkEmailLength(String email) {
        if (!Identifiers.lengthWithin(email, 10, 255)) {
            throw ApiException.invalid("Invalid email address, must be 10-255 bytes.");
        }
    }

    private static void checkPassword(String password) {
        int bytes = Identifiers.utf8Length(password);
        if (bytes < 8) {
            throw ApiException.invalid("Password must be at least 8 characters long.");
        }
        if (bytes > MAX_PASSWORD_BYTES) {
            throw ApiException.invalid("Password must be at most 72 bytes.");
        }
    }
}
