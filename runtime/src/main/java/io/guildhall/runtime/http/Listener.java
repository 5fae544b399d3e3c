package io.guildhall.runtime.http;

import io.guildhall.runtime.config.ConfigException;
import io.guildhall.spi.ApiException;
import io.guildhall.spi.Code;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HandlerWrapper;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.GracefulShutdownHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.Options;
import org.xnio.XnioWorker;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * One HTTP surface of the server (game API, analytics API, console): its own address, route table
 * and graceful drain, on the XNIO worker every listener shares. Route tables bring their own
 * authenticator; protections that apply to any surface (connection caps, deadlines, ...) are
 * added with {@link Builder#wrap} (handlers, outermost last) and {@link Builder#undertow} (server
 * and socket options).
 */
public final class Listener {
    private static final Logger LOG = LoggerFactory.getLogger(Listener.class);

    private final String name;
    private final String address;
    private final GracefulShutdownHandler drain;
    private final Undertow undertow;
    private final int port;
    private volatile boolean stopping;

    private Listener(Builder builder, XnioWorker worker) {
        this.name = builder.name;
        this.address = builder.address;
        HttpHandler routes = builder.routes;
        for (HandlerWrapper wrapper : builder.wrappers) {
            routes = wrapper.wrap(routes);
        }
        this.drain = new GracefulShutdownHandler(routes);
        Undertow.Builder undertowBuilder = Undertow.builder()
                .setWorker(worker)
                .addHttpListener(builder.port, builder.address)
                .setServerOption(UndertowOptions.MAX_HEADER_SIZE, 16 * 1024)
                .setServerOption(UndertowOptions.IDLE_TIMEOUT, builder.idleTimeoutMs)
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, builder.idleTimeoutMs)
                .setSocketOption(Options.REUSE_ADDRESSES, true)
                .setHandler(exchange -> {
                    if (stopping) {
                        Responses.error(exchange, new ApiException(Code.UNAVAILABLE, "Server is shutting down."));
                    } else {
                        drain.handleRequest(exchange);
                    }
                });
        builder.options.forEach(option -> option.accept(undertowBuilder));
        this.undertow = undertowBuilder.build();
        try {
            undertow.start();
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new ConfigException("Cannot listen on " + address + ":" + builder.port + " (" + name + "): "
                    + cause.getMessage(), e);
        }
        this.port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
        LOG.info("Guildhall {} listening on {}:{}", name, address, port);
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public String name() {
        return name;
    }

    /** The bound port (the ephemeral one when configured as 0). */
    public int port() {
        return port;
    }

    /** Answers new requests with 503 and starts draining those in flight. */
    public void stopAccepting() {
        stopping = true;
        drain.shutdown();
    }

    /** Waits until the requests in flight are answered; false when the deadline passed first. */
    public boolean awaitDrained(long deadlineMillis) throws InterruptedException {
        long left = deadlineMillis - System.currentTimeMillis();
        return drain.awaitShutdown(Math.max(1, left));
    }

    /** Closes the socket; call after draining. */
    public void stop() {
        undertow.stop();
    }

    public static final class Builder {
        private final String name;
        private String address = "0.0.0.0";
        private int port;
        private int idleTimeoutMs = 60_000;
        private HttpHandler routes;
        private final List<HandlerWrapper> wrappers = new ArrayList<>();
        private final List<java.util.function.Consumer<Undertow.Builder>> options = new ArrayList<>();

        private Builder(String name) {
            this.name = name;
        }

        public String name() {
            return name;
        }

        public Builder address(String address) {
            this.address = address;
            return this;
        }

        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new ConfigException(name + " port must be between 0 and 65535, got " + port);
            }
            this.port = port;
            return this;
        }

        public Builder idleTimeoutMs(int idleTimeoutMs) {
            this.idleTimeoutMs = idleTimeoutMs;
            return this;
        }

        public Builder routes(HttpHandler routes) {
            this.routes = routes;
            return this;
        }

        /** Wraps the route table (e.g. a connection cap); each call wraps what the previous ones built. */
        public Builder wrap(HandlerWrapper wrapper) {
            wrappers.add(wrapper);
            return this;
        }

        /** Sets Undertow server or socket options for this listener only (e.g. parse deadlines). */
        public Builder undertow(java.util.function.Consumer<Undertow.Builder> option) {
            options.add(option);
            return this;
        }

        public Listener start(XnioWorker worker) {
            if (routes == null) {
                throw new IllegalStateException(name + " has no routes");
            }
            return new Listener(this, worker);
        }
    }
}
