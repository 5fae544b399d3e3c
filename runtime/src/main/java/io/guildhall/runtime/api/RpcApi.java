package io.guildhall.runtime.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.guildhall.runtime.http.Authenticator;
import io.guildhall.runtime.http.Call;
import io.guildhall.runtime.http.Continue;
import io.guildhall.runtime.http.Json;
import io.guildhall.runtime.http.RawReply;
import io.guildhall.runtime.module.Rpcs;
import io.guildhall.runtime.session.SessionToken;
import io.guildhall.spi.ApiException;
import io.guildhall.spi.Code;
import io.guildhall.spi.module.Rpc;
import io.guildhall.spi.module.RpcContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /v2/rpc/{id}} and {@code GET /v2/rpc/{id}}, as Nakama's {@code RpcFuncHttp}: the
 * caller is a server with the runtime HTTP key ({@code ?http_key=} or Basic) or a player with a
 * session; the payload travels as a JSON string unless {@code unwrap} is present; the answer is
 * {@code {"id", "payload"}} (or the raw result with {@code unwrap}). On GET the {@code payload} query
 * parameter is the payload (Nakama hands GET functions an empty payload; nakama-js's
 * {@code rpcHttpKey} sends its input there).
 */
final class RpcApi {
    private static final Logger LOG = LoggerFactory.getLogger(RpcApi.class);

    private final Rpcs rpcs;
    private final byte[] httpKey;
    private final Authenticator authenticator;
    private final Continue then;

    RpcApi(Rpcs rpcs, String httpKey, Authenticator authenticator, Continue then) {
        this.rpcs = rpcs;
        this.httpKey = httpKey.getBytes(StandardCharsets.UTF_8);
        this.authenticator = authenticator;
        this.then = then;
    }

    CompletableFuture<?> call(Call call) {
        Optional<SessionToken> session = authenticate(call);
        String id = call.pathParam("id");
        if (id == null || id.isEmpty()) {
            throw ApiException.invalid("RPC ID must be set");
        }
        Rpcs.Registered registered = rpcs.find(id);
        if (registered == null) {
            throw new ApiException(Code.NOT_FOUND, "RPC function not found");
        }
        Rpc rpc = registered.rpc();
        boolean unwrap = call.queryParameters().containsKey("unwrap");
        String payload = payload(call, unwrap);
        RpcContext context = new RpcContext(
                session.map(s -> s.userId().toString()), session.map(SessionToken::username),
                session.map(SessionToken::vars).orElse(Map.of()), session.map(SessionToken::expiresAt).orElse(0L),
                query(call), call.clientAddress());
        // Called on the event loop: an RPC that may block moves to a request worker.
        return registered.mayBlock()
                ? then.onWorkers(() -> CompletableFuture.completedFuture(invoke(rpc, id, context, payload, unwrap, call)))
                : CompletableFuture.completedFuture(invoke(rpc, id, context, payload, unwrap, call));
    }

    private static Object invoke(Rpc rpc, String id, RpcContext context, String payload, boolean unwrap, Call call) {
        String result;
        try {
            result = rpc.call(context, payload);
        } catch (ApiException e) {
            throw e;
        } catch (java.util.concurrent.CompletionException e) {
            // an API the RPC waited on (accounts.ban(...).join()) refused: pass its answer on
            if (e.getCause() instanceof ApiException api) {
                throw api;
            }
            LOG.error("RPC '{}' failed", id, e);
            throw new ApiException(Code.INTERNAL, "Internal Server Error");
        } catch (Exception | LinkageError e) {
            LOG.error("RPC '{}' failed", id, e);
            throw new ApiException(Code.INTERNAL, "Internal Server Error");
        }
        String answer = result == null ? "" : result;
        if (unwrap) {
            String contentType = call.header("Content-Type");
            return new RawReply(contentType == null ? "text/plain" : contentType, answer.getBytes(StandardCharsets.UTF_8));
        }
        return Json.object().put("id", id).put("payload", answer).node();
    }

    /** The runtime HTTP key (query, then Basic) or a player's session, in Nakama's order. */
    private Optional<SessionToken> authenticate(Call call) {
        Optional<String> queryKey = call.query("http_key").filter(key -> !key.isEmpty());
        if (queryKey.isPresent()) {
            checkHttpKey(queryKey.get().getBytes(StandardCharsets.UTF_8));
            return Optional.empty();
        }
        String authorization = call.authorization();
        if (authorization == null) {
            throw ApiException.unauthenticated("Auth token or HTTP key required");
        }
        if (authorization.startsWith("Basic ")) {
            checkHttpKey(basicUser(authorization.substring(6)));
            return Optional.empty();
        }
        return Optional.of(authenticator.requireSession(call));
    }

    private void checkHttpKey(byte[] presented) {
        if (!MessageDigest.isEqual(presented, httpKey)) {
            throw ApiException.unauthenticated("HTTP key invalid");
        }
    }

    private static byte[] basicUser(String encoded) {
        try {
            byte[] decoded = Base64.getDecoder().decode(encoded.trim());
            for (int i = 0; i < decoded.length; i++) {
                if (decoded[i] == ':') {
                    return java.util.Arrays.copyOf(decoded, i);
                }
            }
        } catch (IllegalArgumentException ignored) {
            // falls through to an invalid key
        }
        throw ApiException.unauthenticated("HTTP key invalid");
    }

    private static String payload(Call call, boolean unwrap) {
        if (!"POST".equals(call.method())) {
            return call.query("payload").orElse("");
        }
        byte[] body = call.rawBody();
        if (body.length == 0 || unwrap) {
            return new String(body, StandardCharsets.UTF_8);
        }
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            if (node == null || !node.isTextual()) {
                throw ApiException.invalid("The payload must be a JSON string (or call with ?unwrap to send it as it is).");
            }
            return node.textValue();
        } catch (JsonProcessingException e) {
            throw ApiException.invalid("The payload must be a JSON string (or call with ?unwrap to send it as it is).");
        } catch (java.io.IOException e) {
            throw ApiException.invalid("The payload could not be read.");
        }
    }

    private static Map<String, List<String>> query(Call call) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        call.queryParameters().forEach((name, values) -> {
            if (!name.equals("http_key")) {
                query.put(name, List.copyOf(new ArrayList<>(values)));
            }
        });
        return query;
    }
}
