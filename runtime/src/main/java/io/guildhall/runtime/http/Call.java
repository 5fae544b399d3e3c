package io.guildhall.runtime.http;

import io.guildhall.runtime.session.SessionToken;
import io.guildhall.runtime.util.Utf16;
import io.guildhall.spi.ApiException;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HeaderValues;
import io.undertow.util.PathTemplateMatch;

import java.util.Deque;
import java.util.List;
import java.util.Optional;

/** One API request as endpoints see it: path and query parameters, body, and the caller's session. */
public final class Call {
    private final HttpServerExchange exchange;
    private final byte[] rawBody;
    private final ClientAddress clientAddress;
    private JsonBody body;
    private SessionToken session;
    private Object principal;

    Call(HttpServerExchange exchange, byte[] rawBody, ClientAddress clientAddress) {
        this.exchange = exchange;
        this.rawBody = rawBody;
        this.clientAddress = clientAddress;
    }

    /** The client's address: the peer, or what trusted proxies forwarded (for per-address limits). */
    public String clientAddress() {
        return clientAddress.of(exchange);
    }

    public String pathParam(String name) {
        PathTemplateMatch match = exchange.getAttachment(PathTemplateMatch.ATTACHMENT_KEY);
        return match == null ? null : match.getParameters().get(name);
    }

    /** The body, parsed on first use; malformed JSON is a 400. */
    public JsonBody body() {
        if (body == null) {
            body = JsonBody.parse(rawBody);
        }
        return body;
    }

    /** The same call with another body (what a module's before hook made of it); the session stays. */
    public Call withBody(byte[] replacement) {
        Call changed = new Call(exchange, replacement, clientAddress);
        changed.session = session;
        return changed;
    }

    /** The request method, e.g. {@code POST}. */
    public String method() {
        return exchange.getRequestMethod().toString();
    }

    /** The body exactly as received. */
    public byte[] rawBody() {
        return rawBody;
    }

    /** Every query parameter as received. */
    public java.util.Map<String, Deque<String>> queryParameters() {
        return exchange.getQueryParameters();
    }

    /** A request header's first value, or null. */
    public String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }


    /** A query parameter by proto name or lowerCamelCase name; the first value when repeated. */
    public Optional<String> query(String name) {
        Deque<String> values = queryValues(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    public List<String> queryAll(String name) {
        Deque<String> values = queryValues(name);
        return values == null ? List.of() : List.copyOf(values);
    }

    private Deque<String> queryValues(String name) {
        Deque<String> values = exchange.getQueryParameters().get(name);
        if (values == null) {
            values = exchange.getQueryParameters().get(JsonBody.camel(name));
        }
        if (values != null) {
            for (String value : values) {
                if (!Utf16.isValid(value) || value.indexOf('\uFFFD') >= 0) {
                    throw ApiException.invalid("Query parameter " + name + " is not valid UTF-8.");
                }
            }
        }
        return values;
    }

    /** A BoolValue query parameter, parsed like Go's strconv.ParseBool. */
    public Optional<Boolean> queryBool(String name) {
        Optional<String> value = query(name);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        switch (value.get()) {
            case "1", "t", "T", "TRUE", "true", "True":
                return Optional.of(true);
            case "0", "f", "F", "FALSE", "false", "False":
                return Optional.of(false);
            default:
                throw ApiException.invalid("invalid value for bool field " + name + ": \"" + value.get() + "\"");
        }
    }

    /** The Authorization header when sent exactly once, else null. */
    public String authorization() {
        HeaderValues values = exchange.getRequestHeaders().get(Headers.AUTHORIZATION);
        return values == null || values.size() != 1 ? null : values.getFirst();
    }

    public boolean hasAuthorization() {
        HeaderValues values = exchange.getRequestHeaders().get(Headers.AUTHORIZATION);
        return values != null && !values.isEmpty();
    }

    void session(SessionToken session) {
        this.session = session;
    }

    /** The caller as a listener's guard established it (an analytics session, an API key, a console user). */
    public void principal(Object principal) {
        this.principal = principal;
    }

    /** The principal set by the guard when it has the given type, else null. */
    public <T> T principal(Class<T> type) {
        return type.isInstance(principal) ? type.cast(principal) : null;
    }

    /** The verified session of a bearer-authenticated call. */
    public SessionToken session() {
        return session;
    }
}
