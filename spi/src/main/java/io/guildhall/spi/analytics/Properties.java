package io.guildhall.spi.analytics;

import java.util.Map;

/** An identity's properties: set by default rules, set by the game, and computed by the service. */
public record Properties(Map<String, String> defaultProperties, Map<String, String> customProperties,
                         Map<String, String> computedProperties) {
    public Properties {
        defaultProperties = defaultProperties == null ? Map.of() : Map.copyOf(defaultProperties);
        customProperties = customProperties == null ? Map.of() : Map.copyOf(customProperties);
        computedProperties = computedProperties == null ? Map.of() : Map.copyOf(computedProperties);
    }
}
