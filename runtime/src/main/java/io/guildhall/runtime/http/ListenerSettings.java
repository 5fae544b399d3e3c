package io.guildhall.runtime.http;

import io.guildhall.runtime.config.Config;
import io.guildhall.runtime.config.ConfigException;
import io.guildhall.runtime.config.Setting;
import io.undertow.UndertowOptions;
import org.xnio.Options;

import java.lang.management.ManagementFactory;

/**
 * The limits and deadlines of one HTTP listener, read from its config prefix ({@code socket} for
 * the game API; another listener uses its own prefix with the same key names and defaults).
 *
 * @param maxBodyBytes        largest request body, after decoding a compressed one (413 past it)
 * @param maxHeaderBytes      request line and headers together
 * @param idleTimeoutMs       an idle keep-alive connection is closed after this long
 * @param headerTimeoutMs     a request's line and headers must arrive within this long
 * @param bodyTimeoutMs       a request's body must arrive within this long of its headers (408 past it)
 * @param maxDrainBytes       an oversized body up to this size is read and discarded, so the client gets its 413
 * @param connectionsHighWater stop accepting connections at this many open ones ...
 * @param connectionsLowWater  ... until they fall to this many
 * @param clientAddress       how the client's address is found ({@code trusted_proxies})
 */
public record ListenerSettings(long maxBodyBytes, int maxHeaderBytes, int idleTimeoutMs, int headerTimeoutMs,
                               int bodyTimeoutMs, long maxDrainBytes, int connectionsHighWater,
                               int connectionsLowWater, ClientAddress clientAddress) {
    /** Most header fields a request may have (Undertow's own limit is set above it so ours answers in JSON). */
    public static final int MAX_HEADER_COUNT = 100;

    /** The settings under {@code prefix}, with the game API's defaults for keys not set there. */
    public static ListenerSettings read(Config config, String prefix) {
        ListenerSettings settings = new ListenerSettings(
                positive(config, prefix, Setting.SOCKET_MAX_REQUEST_SIZE_BYTES),
                (int) positive(config, prefix, Setting.SOCKET_MAX_HEADER_SIZE_BYTES),
                (int) positive(config, prefix, Setting.SOCKET_IDLE_TIMEOUT_MS),
                (int) positive(config, prefix, Setting.SOCKET_HEADER_TIMEOUT_MS),
                (int) positive(config, prefix, Setting.SOCKET_BODY_TIMEOUT_MS),
                positive(config, prefix, Setting.SOCKET_MAX_DRAIN_BYTES),
                (int) positive(config, prefix, Setting.SOCKET_CONNECTIONS_HIGH_WATER),
                (int) positive(config, prefix, Setting.SOCKET_CONNECTIONS_LOW_WATER),
                clientAddress(config, prefix));
        if (settings.connectionsLowWater > settings.connectionsHighWater) {
            throw new ConfigException(prefix + ".connections_low_water must not exceed " + prefix + ".connections_high_water");
        }
        long fdLimit = fileDescriptorLimit();
        // the store, the jars and the JDK hold descriptors too; running out refuses connections at random
        if (fdLimit > 0 && settings.connectionsHighWater > fdLimit - 256) {
            throw new ConfigException(prefix + ".connections_high_water is " + settings.connectionsHighWater
                    + " but this process may open only " + fdLimit + " files; lower it or raise the limit (ulimit -n)");
        }
        return settings;
    }

    /** The same settings with another body limit (the analytics API takes larger event batches). */
    public ListenerSettings withMaxBodyBytes(long bytes) {
        return new ListenerSettings(bytes, maxHeaderBytes, idleTimeoutMs, headerTimeoutMs, bodyTimeoutMs,
                Math.max(maxDrainBytes, bytes), connectionsHighWater, connectionsLowWater, clientAddress);
    }

    private static String key(String prefix, Setting socketSetting) {
        return prefix + socketSetting.key().substring("socket".length());
    }

    private static long positive(Config config, String prefix, Setting socketSetting) {
        String key = key(prefix, socketSetting);
        long value = config.number(key, Long.parseLong(socketSetting.defaultValue()));
        if (value < 1 || value > Integer.MAX_VALUE) {
            throw new ConfigException(key + " must be between 1 and " + Integer.MAX_VALUE + ", got " + value);
        }
        return value;
    }

    private static ClientAddress clientAddress(Config config, String prefix) {
        String key = key(prefix, Setting.SOCKET_TRUSTED_PROXIES);
        String value = config.raw(key);
        try {
            return ClientAddress.trusting(value == null ? "" : value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key + ": " + e.getMessage());
        }
    }

    private static long fileDescriptorLimit() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return unix.getMaxFileDescriptorCount();
        }
        return -1;
    }

    /** Applies the connection-level limits to a listener's builder. */
    public Listener.Builder configure(Listener.Builder builder) {
        return builder.idleTimeoutMs(idleTimeoutMs)
                // Undertow's parser must bound what it buffers; its limits sit above ours, which answer
                // with a precise 414/431 (see HttpRules), so only grossly oversized requests reach its
                // limits, and those get a general 400 (see ParserRejections).
                .serverOption(UndertowOptions.MAX_HEADER_SIZE, 2 * maxHeaderBytes)
                .serverOption(UndertowOptions.MAX_HEADERS, 2 * MAX_HEADER_COUNT)
                .serverOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, headerTimeoutMs)
                .socketOption(Options.CONNECTION_HIGH_WATER, connectionsHighWater)
                .socketOption(Options.CONNECTION_LOW_WATER, connectionsLowWater);
    }
}
