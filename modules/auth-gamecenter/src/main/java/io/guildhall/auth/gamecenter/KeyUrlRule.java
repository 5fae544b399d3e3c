package io.guildhall.auth.gamecenter;

import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * Where a Game Center key certificate may be fetched from: an https URL (unless the studio turned
 * that off) on one of the configured hosts exactly (Nakama accepts any host ending in
 * {@code .apple.com}), with a real path and no query. The client chooses the URL, so this is what keeps the
 * server from fetching, and trusting, whatever it is pointed at.
 */
final class KeyUrlRule {
    /** Apple's key URLs are short; a longer one is not Apple's. */
    static final int MAX_URL_CHARS = 512;

    private final Set<String> hosts;
    private final boolean requireHttps;

    KeyUrlRule(Set<String> hosts, boolean requireHttps) {
        this.hosts = hosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(java.util.stream.Collectors.toUnmodifiableSet());
        this.requireHttps = requireHttps;
    }

    URI check(String url) throws Refused {
        if (url.length() > MAX_URL_CHARS) {
            throw new Refused("public_key_url is longer than " + MAX_URL_CHARS + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (java.net.URISyntaxException e) {
            throw new Refused("public_key_url is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("https") || !requireHttps && scheme.equals("http"))) {
            throw new Refused("public_key_url scheme '" + scheme + "' is not " + (requireHttps ? "https" : "http(s)"));
        }
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (uri.getRawUserInfo() != null) {
            throw new Refused("public_key_url carries user info");
        }
        if (!hosts.contains(host)) {
            throw new Refused("public_key_url host '" + host + "' is not in social.gamecenter.allowed_key_hosts");
        }
        String path = uri.getRawPath();
        if (path == null || path.isEmpty() || path.equals("/")) {
            throw new Refused("public_key_url has no path");
        }
        // Apple's key URLs have neither; refusing them keeps a client from minting endless cache keys.
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new Refused("public_key_url has a query or fragment");
        }
        return uri;
    }
}
