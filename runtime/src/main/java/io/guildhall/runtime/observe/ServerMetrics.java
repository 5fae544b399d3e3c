package io.guildhall.runtime.observe;

import io.guildhall.runtime.http.Responses;
import io.guildhall.runtime.http.RouteTable;
import io.guildhall.runtime.store.GroupCommitStore;
import io.guildhall.spi.ApiException;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.server.HandlerWrapper;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The server's Prometheus metrics (Micrometer): requests per listener, route and status with
 * latency histograms, store commits, the parts' own gauges and counters, JVM and GC. Served as
 * {@code GET /metrics} on the console listener.
 */
public final class ServerMetrics implements AutoCloseable {
    private static final String NOT_MATCHED = "unmatched";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public ServerMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /**
     * Times every request of one listener, tagged with the route template (never the raw path, so
     * the number of series stays bounded), the method and the status.
     */
    public HandlerWrapper requests(String listener) {
        return next -> exchange -> {
            long began = System.nanoTime();
            exchange.addExchangeCompleteListener((done, proceed) -> {
                String route = done.getAttachment(RouteTable.ROUTE);
                Timer.builder("guildhall.http.requests")
                        .description("HTTP requests by listener, route and status")
                        .tag("listener", listener)
                        .tag("method", done.getRequestMethod().toString())
                        .tag("route", route == null ? NOT_MATCHED : route)
                        .tag("status", Integer.toString(done.getStatusCode()))
                        .publishPercentileHistogram()
                        .register(registry)
                        .record(System.nanoTime() - began, TimeUnit.NANOSECONDS);
                proceed.proceed();
            });
            next.handleRequest(exchange);
        };
    }

    /** Commit latency, fsync time and group-commit batch sizes of the store. */
    public void store(GroupCommitStore store) {
        Timer commit = Timer.builder("guildhall.store.commit").description("Writing one group commit under the lock")
                .publishPercentileHistogram().register(registry);
        Timer fsync = Timer.builder("guildhall.store.fsync").description("The fsync of one group commit")
                .publishPercentileHistogram().register(registry);
        DistributionSummary batch = DistributionSummary.builder("guildhall.store.commit.batch")
                .description("Writes per group commit").baseUnit("writes").publishPercentileHistogram()
                .maximumExpectedValue(10_000.0).register(registry);
        store.observeCommits((writes, commitNanos, syncNanos) -> {
            commit.record(commitNanos, TimeUnit.NANOSECONDS);
            fsync.record(syncNanos, TimeUnit.NANOSECONDS);
            batch.record(writes);
        });
    }

    /** A value read at each scrape. */
    public void gauge(String name, String description, Supplier<Number> value, String... tags) {
        Gauge.builder(name, value).description(description).tags(tags).register(registry);
    }

    /**
     * A count kept elsewhere (monotonic), read at each scrape. Micrometer holds {@code state} weakly:
     * pass the object that keeps the count (held by its owner), not a lambda over it.
     */
    public <T> void counter(String name, String description, T state, java.util.function.ToDoubleFunction<T> count,
                            String... tags) {
        io.micrometer.core.instrument.FunctionCounter.builder(name, state, count)
                .description(description).tags(tags).register(registry);
    }

    /**
     * {@code GET /metrics} in Prometheus' text format. With a token, the caller must send it as a
     * bearer (required when the console listens beyond loopback).
     */
    public HttpHandler scrape(String token) {
        byte[] expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        return new HttpHandler() {
            @Override
            public void handleRequest(HttpServerExchange exchange) {
                if (!token.isEmpty()) {
                    String header = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
                    byte[] given = header == null ? new byte[0] : header.getBytes(StandardCharsets.UTF_8);
                    if (!MessageDigest.isEqual(given, expected)) {
                        Responses.error(exchange, ApiException.unauthenticated("Metrics token required"));
                        return;
                    }
                }
                if (exchange.isInIoThread()) {
                    exchange.dispatch(this); // gauges may read the store
                    return;
                }
                exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                exchange.getResponseSender().send(registry.scrape());
            }
        };
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
