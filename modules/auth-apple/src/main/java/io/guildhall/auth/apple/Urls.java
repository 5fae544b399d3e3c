package io.guildhall.auth.apple;

import java.net.URI;
import java.net.URISyntaxException;

/** Configured platform URLs: absolute http(s) only, checked at start-up. */
final class Urls {
    private Urls() {
    }

    static URI require(String key, String value) {
        try {
            URI uri = new URI(value.trim());
            if (uri.getHost() == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
                throw new IllegalArgumentException(key + " must be an absolute http(s) URL, got '" + value + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(key + " is not a URL: '" + value + "'");
        }
    }
}
