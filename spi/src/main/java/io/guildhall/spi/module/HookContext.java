package io.guildhall.spi.module;

import java.util.Map;
import java.util.Optional;

/**
 * The caller of a hooked operation: the session's user for operations that need one, empty for
 * sign-in and refresh (which are called with the server key).
 */
public record HookContext(Optional<String> userId, Optional<String> username, Map<String, String> vars,
                          String clientAddress) {
}
