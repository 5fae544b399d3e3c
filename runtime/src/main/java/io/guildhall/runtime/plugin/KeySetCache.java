package io.guildhall.runtime.plugin;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.guildhall.spi.KeySets;
import io.guildhall.spi.OutboundHttp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link KeySets} over the shared HTTP client. Entries are bounded by weight (the fetched bytes);
 * one fetch runs at a time per source and concurrent callers wait for it; after any fetch, success
 * or failure, the source is not fetched again before {@code refetchInterval} unless its keys
 * expire, so neither a client sending unknown key ids nor a platform outage multiplies calls.
 */
public final class KeySetCache implements KeySets {
    private static final Logger LOG = LoggerFactory.getLogger(KeySetCache.class);
    private static final Pattern MAX_AGE = Pattern.compile("max-age\\s*=\\s*(\\d{1,10})");
    private static final Duration LONGEST_FRESHNESS = Duration.ofDays(1);

    private record Source(URI uri, Parser<?> parser) {
    }

    /** What the last fetch of a source left: keys (null after a failure with nothing good before). */
    private record Entry(Map<String, ?> keys, long fetchedAt, long freshUntil, long notAfter, int weight, String failure) {
        boolean usable(long now) {
            return keys != null && now < notAfter;
        }
    }

    private final OutboundHttp http;
    private final Clock clock;
    private final Duration defaultTtl;
    private final Duration refetchInterval;
    private final Cache<Source, Entry> entries;
    private final Map<Source, CompletableFuture<Entry>> fetches = new ConcurrentHashMap<>();

    public KeySetCache(OutboundHttp http, Clock clock, Duration defaultTtl, Duration refetchInterval, long maxBytes) {
        this.http = http;
        this.clock = clock;
        this.defaultTtl = defaultTtl;
        this.refetchInterval = refetchInterval;
        this.entries = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((Source source, Entry entry) -> entry.weight())
                .build();
    }

    @Override
    public <K> Map<String, K> keys(URI source, Parser<K> parser) throws IOException {
        Source key = new Source(source, parser);
        long now = clock.millis();
        Entry entry = entries.getIfPresent(key);
        // Stale keys (and failures) are kept for at least the refetch interval before the next try.
        if (entry == null || now >= entry.freshUntil() && now >= entry.fetchedAt() + refetchInterval.toMillis()) {
            entry = refresh(key, entry);
        }
        return usableKeys(source, entry);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K> K key(URI source, Parser<K> parser, String keyId) throws IOException {
        Map<String, K> keys = keys(source, parser);
        K found = keys.get(keyId);
        if (found != null) {
            return found;
        }
        Source key = new Source(source, parser);
        Entry seen = entries.getIfPresent(key);
        if (seen != null && seen.usable(clock.millis()) && seen.keys().get(keyId) != null) {
            // A concurrent caller's refetch brought the key in since we looked.
            return (K) seen.keys().get(keyId);
        }
        if (seen != null && clock.millis() < seen.fetchedAt() + refetchInterval.toMillis()) {
            return null;
        }
        Map<String, K> refreshed = usableKeys(source, refresh(key, seen));
        return refreshed.get(keyId);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K> K cachedKey(URI source, Parser<K> parser, String keyId) {
        Entry entry = entries.getIfPresent(new Source(source, parser));
        long now = clock.millis();
        if (entry == null || !entry.usable(now) || now >= entry.freshUntil()) {
            return null;
        }
        return (K) entry.keys().get(keyId);
    }

    @SuppressWarnings("unchecked")
    private <K> Map<String, K> usableKeys(URI source, Entry entry) throws IOException {
        if (entry == null || !entry.usable(clock.millis())) {
            throw new IOException("no usable keys from " + source.getHost()
                    + (entry != null && entry.failure() != null ? ": " + entry.failure() : ""));
        }
        return (Map<String, K>) entry.keys();
    }

    /**
     * Fetches the source unless another caller is already doing so (then waits for that fetch) or
     * has already replaced {@code seen}; returns the entry now in force.
     */
    private Entry refresh(Source source, Entry seen) {
        CompletableFuture<Entry> mine = new CompletableFuture<>();
        CompletableFuture<Entry> running = fetches.putIfAbsent(source, mine);
        if (running != null) {
            return join(running);
        }
        try {
            Entry current = entries.getIfPresent(source);
            Entry result = current != seen ? current : fetch(source, seen);
            mine.complete(result);
            return result;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            fetches.remove(source, mine);
        }
    }

    private static Entry join(CompletableFuture<Entry> running) {
        try {
            return running.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private Entry fetch(Source source, Entry previous) {
        long now = clock.millis();
        Entry entry;
        try {
            OutboundHttp.Response response = http.get(source.uri(), Map.of("Accept", "application/json"));
            if (!response.ok()) {
                throw new IOException("HTTP " + response.status());
            }
            Parsed<?> parsed = source.parser().parse(response);
            long notAfter = parsed.notAfter() == null ? Long.MAX_VALUE : parsed.notAfter().toEpochMilli();
            long freshUntil = Math.min(now + freshness(response).toMillis(), notAfter);
            entry = new Entry(parsed.keys(), now, freshUntil, notAfter, response.body().length + 256, null);
        } catch (Exception e) {
            String failure = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            LOG.warn("Fetching keys from {} failed ({}); {}", source.uri(), failure,
                    previous != null && previous.usable(now) ? "keeping the last good keys" : "no keys to fall back on");
            entry = previous != null && previous.usable(now)
                    ? new Entry(previous.keys(), now, previous.freshUntil(), previous.notAfter(), previous.weight(), failure)
                    : new Entry(null, now, now, now, 256, failure);
        }
        entries.put(source, entry);
        return entry;
    }

    /** How long a response may be used: its Cache-Control max-age or Expires, else the default. */
    private Duration freshness(OutboundHttp.Response response) {
        Duration fromHeaders = null;
        String cacheControl = response.header("cache-control").orElse("");
        Matcher maxAge = MAX_AGE.matcher(cacheControl);
        if (maxAge.find()) {
            fromHeaders = Duration.ofSeconds(Long.parseLong(maxAge.group(1)));
        } else if (response.header("expires").isPresent()) {
            try {
                ZonedDateTime expires = ZonedDateTime.parse(response.header("expires").get(), DateTimeFormatter.RFC_1123_DATE_TIME);
                fromHeaders = Duration.ofMillis(Math.max(0, expires.toInstant().toEpochMilli() - clock.millis()));
            } catch (RuntimeException ignored) {
                // An unparsable Expires is treated as absent.
            }
        }
        if (fromHeaders == null) {
            return defaultTtl;
        }
        return fromHeaders.compareTo(LONGEST_FRESHNESS) > 0 ? LONGEST_FRESHNESS : fromHeaders;
    }
}
