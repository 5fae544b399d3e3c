package io.guildhall.runtime.console;

import io.guildhall.runtime.config.ConfigException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Console users from {@code console.users}: email to bcrypt hash. */
final class ConsoleUsers {
    private final Map<String, String> hashes = new LinkedHashMap<>();

    ConsoleUsers(List<Map<String, String>> entries) {
        for (Map<String, String> entry : entries) {
            String email = normalise(entry.getOrDefault("email", ""));
            String hash = entry.getOrDefault("password_hash", "").trim();
            if (email.isEmpty() || hashes.containsKey(email)) {
                throw new ConfigException("console.users: every user needs a unique email, got '" + email + "'");
            }
            if (!hash.matches("\\$2[abxy]?\\$\\d\\d\\$[./A-Za-z0-9]{53}")) {
                throw new ConfigException("console.users: the password_hash of " + email
                        + " is not a bcrypt hash (make one with: java -jar guildhall.jar hash-password)");
            }
            hashes.put(email, hash);
        }
    }

    /** The bcrypt cost of the configured hashes (the first one's), so a decoy check costs the same; 4 with no users. */
    int cost() {
        return hashes.values().stream().findFirst().map(h -> Integer.parseInt(h.substring(h.indexOf('$', 1) + 1, h.indexOf('$', 1) + 3))).orElse(4);
    }

    /** The user's hash, or null. */
    String hash(String email) {
        return hashes.get(normalise(email));
    }

    static String normalise(String email) {
        return email.trim().toLowerCase(Locale.ROOT);
    }
}
