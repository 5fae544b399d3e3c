package io.guildhall.spi;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The server's shared outbound HTTP client, for plugins that call a platform (a JWKS endpoint, the
 * Steam Web API). Every call has the configured connect and response deadlines and a cap on the
 * response size, and follows redirects only within the same host. Any failure (network, deadline,
 * oversize body, redirect to another host) is an {@link IOException}; a non-2xx status is not.
 */
public interface OutboundHttp {
    Response get(URI uri, Map<String, String> headers) throws IOException;

    Response post(URI uri, Map<String, String> headers, String contentType, byte[] body) throws IOException;

    /** A complete response. Header names are lower-case. */
    record Response(int status, Map<String, List<String>> headers, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public Optional<String> header(String name) {
            List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
            return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
        }

        public boolean ok() {
            return status == 200;
        }
    }
}
