package io.guildhall.spi.module;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who called an RPC. A call with the runtime HTTP key has no user: {@link #userId()} is empty.
 *
 * @param userId      the caller's user id, or empty for a server-to-server call
 * @param username    the caller's username from the session token, or empty
 * @param vars        the session's variables
 * @param expiry      the session token's expiry (epoch seconds), 0 without a session
 * @param query       the query parameters, {@code http_key} removed
 * @param clientAddress the client's address
 */
public record RpcContext(Optional<String> userId, Optional<String> username, Map<String, String> vars, long expiry,
                         Map<String, List<String>> query, String clientAddress) {
}
