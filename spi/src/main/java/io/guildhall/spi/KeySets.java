package io.guildhall.spi;

import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.Map;

/**
 * The server's shared cache of published keys (a JWKS, Google's certificate map, a Game Center
 * certificate). A source is fetched with the shared {@link OutboundHttp}, parsed by the plugin's
 * {@link Parser}, and kept for as long as its cache headers (or the parser's own expiry, or the
 * configured default) allow. Concurrent callers share one fetch per source; an unknown key id
 * triggers at most one early refetch (rate-limited per source, so a client cannot make the server
 * hammer a platform); while a platform is down the last good keys keep being served.
 *
 * <p>Use one {@link Parser} instance per kind of source (a constant): the cache is keyed by the
 * source's URI and its parser.
 */
public interface KeySets {
    /** All keys of the source, fetched if nothing usable is cached; throws when there are none at all. */
    <K> Map<String, K> keys(URI source, Parser<K> parser) throws IOException;

    /**
     * The key with this id, refetching the source once if it is not cached (within the rate limit);
     * null when the source, even fresh, has no such key.
     */
    <K> K key(URI source, Parser<K> parser, String keyId) throws IOException;

    /**
     * The key with this id only if the source's keys are cached, fresh and hold it; null otherwise.
     * Never fetches and never blocks, so a provider may call it from {@link
     * io.guildhall.spi.IdentityProvider#proveWithoutBlocking}.
     */
    <K> K cachedKey(URI source, Parser<K> parser, String keyId);

    /** Turns a fetched response into keys by id. Throw to reject the response; the old keys stay. */
    @FunctionalInterface
    interface Parser<K> {
        Parsed<K> parse(OutboundHttp.Response response) throws Exception;
    }

    /** Parsed keys, and optionally a time after which they must not be used (e.g. a certificate's end). */
    record Parsed<K>(Map<String, K> keys, Instant notAfter) {
        public Parsed {
            keys = Map.copyOf(keys);
        }

        public static <K> Parsed<K> of(Map<String, K> keys) {
            return new Parsed<>(keys, null);
        }
    }
}
