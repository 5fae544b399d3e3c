package io.guildhall.runtime.analytics.client;

import io.guildhall.spi.analytics.AnalyticsClient;
import io.guildhall.spi.analytics.AnalyticsEvent;
import io.guildhall.spi.analytics.AnalyticsException;
import io.guildhall.spi.analytics.Properties;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The modules' client of the analytics service in this process. Modules start before the service
 * is wired, so the service is bound afterwards; with the analytics API turned off (and no
 * {@code satori.url}) every call fails with a clear error instead.
 */
public final class EmbeddedAnalyticsClient implements AnalyticsClient {
    private volatile AnalyticsClient service;

    public void bind(AnalyticsClient service) {
        this.service = service;
    }

    private <T> CompletionStage<T> call(java.util.function.Function<AnalyticsClient, CompletionStage<T>> operation) {
        AnalyticsClient bound = service;
        if (bound == null) {
            return CompletableFuture.failedFuture(new AnalyticsException(0,
                    "analytics is not available: the analytics API is turned off and satori.url is not set"));
        }
        return operation.apply(bound);
    }

    @Override
    public CompletionStage<Properties> authenticate(String identityId, Map<String, String> defaultProperties,
                                                    Map<String, String> customProperties, boolean noSession) {
        return call(c -> c.authenticate(identityId, defaultProperties, customProperties, noSession));
    }

    @Override
    public CompletionStage<Void> publishEvents(String identityId, List<AnalyticsEvent> events) {
        return call(c -> c.publishEvents(identityId, events));
    }

    @Override
    public CompletionStage<Void> publishServerEvents(List<AnalyticsEvent> events) {
        return call(c -> c.publishServerEvents(events));
    }

    @Override
    public CompletionStage<Properties> getProperties(String identityId) {
        return call(c -> c.getProperties(identityId));
    }

    @Override
    public CompletionStage<Void> updateProperties(String identityId, Map<String, String> defaultProperties,
                                                  Map<String, String> customProperties, boolean recompute) {
        return call(c -> c.updateProperties(identityId, defaultProperties, customProperties, recompute));
    }

    @Override
    public CompletionStage<Void> deleteIdentity(String identityId) {
        return call(c -> c.deleteIdentity(identityId));
    }
}
