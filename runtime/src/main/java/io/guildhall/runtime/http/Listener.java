package io.guildhall.runtime.http;

import io.guildhall.runtime.config.ConfigException;
import io.guildhall.spi.ApiException;
import io.guildhall.spi.Code;
import io.undertow.UndertowOptions;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.HandlerWrapper;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.GracefulShutdownHandler;
import io.undertow.server.protocol.http.HttpOpenListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.Option;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.XnioWorker;
import org.xnio.channels.AcceptingChannel;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * One HTTP surface of the server (game API, analytics API, console): its own address, route table
 * and graceful drain, on the XNIO worker every listener shares. Route tables bring their own
 * authenticator; protections that apply to any surface (connection caps, deadlines, ...) are
 * added with {@link Builder#wrap} (handlers, outermost last), {@link Builder#serverOption} and
 * {@link Builder#socketOption}. The listener opens its socket itself (as Undertow's own builder
 * does) so that every connection's output passes through {@link ParserRejections}, which answers
 * what Undertow's parser refuses in JSON.
 */
public final class Listener {
    private static final Logger LOG = LoggerFactory.getLogger(Listener.class);
    /** Read and write buffers of every listener, sized as Undertow's builder sizes them for a large heap. */
    private static final DefaultByteBufferPool BUFFERS = new DefaultByteBufferPool(true, 16 * 1024 - 20, -1, 4);

    private final String name;
    private final String address;
    private final GracefulShutdownHandler drain;
    private final AcceptingChannel<? extends StreamConnection> server;
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
        HttpHandler root = exchange -> {
            if (stopping) {
                Responses.error(exchange, new ApiException(Code.UNAVAILABLE, "Server is shutting down."));
            } else {
                drain.handleRequest(exchange);
            }
        };
        OptionMap serverOptions = OptionMap.builder()
                // off (Undertow's builder turns it on) so that every response starts a write of its own,
                // where ParserRejections can recognise it; only clients that pipeline pay a write each
                .set(UndertowOptions.BUFFER_PIPELINED_DATA, false)
                .set(UndertowOptions.MAX_HEADER_SIZE, 16 * 1024)
                .set(UndertowOptions.IDLE_TIMEOUT, builder.idleTimeoutMs)
                .set(UndertowOptions.NO_REQUEST_TIMEOUT, builder.idleTimeoutMs)
                .addAll(builder.serverOptions.getMap())
                .getMap();
        OptionMap socketOptions = OptionMap.builder()
                // Undertow's builder defaults
                .set(Options.WORKER_IO_THREADS, worker.getIoThreadCount())
                .set(Options.TCP_NODELAY, true)
                .set(Options.REUSE_ADDRESSES, true)
                .set(Options.BALANCING_TOKENS, 1)
                .set(Options.BALANCING_CONNECTIONS, 2)
                .set(Options.BACKLOG, 1000)
                .addAll(builder.socketOptions.getMap())
                .getMap();
        HttpOpenListener open = new HttpOpenListener(BUFFERS, serverOptions);
        open.setRootHandler(root);
        ParserRejections rejections = new ParserRejections(
                serverOptions.get(UndertowOptions.MAX_HEADER_SIZE, UndertowOptions.DEFAULT_MAX_HEADER_SIZE),
                serverOptions.get(UndertowOptions.MAX_HEADERS, UndertowOptions.DEFAULT_MAX_HEADERS));
        try {
            this.server = worker.createStreamConnectionServer(
                    new InetSocketAddress(InetAddress.getByName(address), builder.port),
                    ChannelListeners.openListenerAdapter(rejections.wrap(open)), socketOptions);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("Cannot listen on " + address + ":" + builder.port + " (" + name + "): "
                    + e.getMessage(), e);
        }
        server.resumeAccepts();
        this.port = ((InetSocketAddress) server.getLocalAddress()).getPort();
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
        IoUtils.safeClose(server);
    }

    public static final class Builder {
        private final String name;
        private String address = "0.0.0.0";
        private int port;
        private int idleTimeoutMs = 60_000;
        private HttpHandler routes;
        private final List<HandlerWrapper> wrappers = new ArrayList<>();
        private final OptionMap.Builder serverOptions = OptionMap.builder();
        private final OptionMap.Builder socketOptions = OptionMap.builder();

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

        /** Sets an Undertow server option for this listener only (e.g. a parse deadline). */
        public <T> Builder serverOption(Option<T> option, T value) {
            serverOptions.set(option, value);
            return this;
        }

        /** Sets an XNIO socket option for this listener only (e.g. a connection cap). */
        public <T> Builder socketOption(Option<T> option, T value) {
            socketOptions.set(option, value);
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
