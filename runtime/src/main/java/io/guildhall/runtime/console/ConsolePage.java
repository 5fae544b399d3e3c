package io.guildhall.runtime.console;

import io.guildhall.runtime.http.HttpError;
import io.guildhall.runtime.http.Responses;
import io.undertow.server.HttpHandler;
import io.undertow.util.Headers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The console web page, served from the jar: {@code /console/} (HTML, script, style) and
 * {@code /console/vendor/chart.umd.js} from the Chart.js WebJar. A fixed list of files, read once,
 * so nothing outside it can be asked for; no CDN, so the console works offline.
 */
final class ConsolePage {
    /** The Chart.js WebJar's version, as pinned in the parent pom. */
    static final String CHART_JS = "META-INF/resources/webjars/chart.js/4.5.1/dist/chart.umd.js";
    private static final Map<String, String[]> FILES = Map.of(
            "/console/", new String[]{"console/index.html", "text/html; charset=utf-8"},
            "/console/console.js", new String[]{"console/console.js", "text/javascript; charset=utf-8"},
            "/console/console.css", new String[]{"console/console.css", "text/css; charset=utf-8"},
            "/console/vendor/chart.umd.js", new String[]{CHART_JS, "text/javascript; charset=utf-8"});
    private static final Map<String, byte[]> LOADED = new ConcurrentHashMap<>();

    private ConsolePage() {
    }

    static HttpHandler handler() {
        return exchange -> {
            String[] file = FILES.get(exchange.getRequestPath());
            if (file == null) {
                Responses.error(exchange, HttpError.notFound());
                return;
            }
            byte[] bytes = LOADED.computeIfAbsent(file[0], ConsolePage::read);
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, file[1]);
            exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache");
            exchange.getResponseHeaders().put(io.undertow.util.HttpString.tryFromString("Content-Security-Policy"),
                    "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'");
            exchange.getResponseHeaders().put(io.undertow.util.HttpString.tryFromString("X-Content-Type-Options"), "nosniff");
            exchange.getResponseSender().send(java.nio.ByteBuffer.wrap(bytes));
        };
    }

    static HttpHandler redirectToSlash() {
        return exchange -> {
            exchange.setStatusCode(302);
            exchange.getResponseHeaders().put(Headers.LOCATION, "/console/");
            exchange.endExchange();
        };
    }

    private static byte[] read(String resource) {
        try (InputStream in = ConsolePage.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
