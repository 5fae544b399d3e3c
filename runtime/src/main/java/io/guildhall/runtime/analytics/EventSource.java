package io.guildhall.runtime.analytics;

/** Who may post server events on a call: an API key with {@code server_events}, or a console user. */
public record EventSource(String name) {
}
