package io.guildhall.runtime.http;

import io.guildhall.runtime.testing.ApiClient;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The listener seam: per-listener wrappers and options, JSON routing errors, and the drain. */
class ListenerTest {
    private XnioWorker worker;

    @BeforeEach
    void startWorker() throws Exception {
        worker = Xnio.getInstance(Undertow.class.getClassLoader()).createWorker(OptionMap.builder()
                .set(Options.WORKER_IO_THREADS, 2).set(Options.WORKER_TASK_CORE_THREADS, 4)
                .set(Options.WORKER_TASK_MAX_THREADS, 4).getMap());
    }

    /** The game API's default limits, with a small body limit. */
    private static final ListenerSettings SETTINGS = ListenerSettings.read(
            io.guildhall.runtime.config.ConfigLoader.load(new String[0], java.util.Map.of()), "socket").withMaxBodyBytes(1024);

    @AfterEach
    void stopWorker() {
        worker.shutdownNow();
    }

    @Test
    void aWrapperAndOptionsApplyToTheirListenerOnly() {
        RouteTable routes = new RouteTable(worker, SETTINGS)
                .add(Methods.GET, "/hello", Guard.NONE, Execution.IO_THREAD, call -> CompletableFuture.completedFuture(null));
        Listener wrapped = Listener.builder("wrapped").address("127.0.0.1").port(0).routes(routes.build())
                .wrap(next -> exchange -> {
                    exchange.getResponseHeaders().put(new HttpString("X-Protected"), "yes");
                    next.handleRequest(exchange);
                })
                .serverOption(UndertowOptions.MAX_HEADER_SIZE, 2048)
                .start(worker);
        Listener plain = Listener.builder("plain").address("127.0.0.1").port(0).routes(routes.build()).start(worker);
        try {
            ApiClient.Reply protectedReply = ApiClient.at("http://127.0.0.1:" + wrapped.port()).get("/hello", null);
            assertEquals(200, protectedReply.status());
            assertEquals("yes", protectedReply.headers().firstValue("X-Protected").orElse(""));
            ApiClient.Reply plainReply = ApiClient.at("http://127.0.0.1:" + plain.port()).get("/hello", null);
            assertTrue(plainReply.headers().firstValue("X-Protected").isEmpty(), "wrappers are per listener");
            ApiClient.Reply unknown = ApiClient.at("http://127.0.0.1:" + wrapped.port()).get("/nope", null);
            assertEquals(404, unknown.status());
            assertEquals(5, unknown.code());
        } finally {
            wrapped.stop();
            plain.stop();
        }
    }

    @Test
    void stoppingAnswers503AndDrainsWhatIsInFlight() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CompletableFuture<Object> slow = new CompletableFuture<>();
        RouteTable routes = new RouteTable(worker, SETTINGS)
                .add(Methods.GET, "/slow", Guard.NONE, Execution.WORKER, call -> {
                    entered.countDown();
                    return slow;
                })
                .add(Methods.GET, "/fast", Guard.NONE, Execution.IO_THREAD, call -> CompletableFuture.completedFuture(null));
        Listener listener = Listener.builder("drained").address("127.0.0.1").port(0).routes(routes.build()).start(worker);
        ApiClient client = ApiClient.at("http://127.0.0.1:" + listener.port());
        CompletableFuture<ApiClient.Reply> inFlight = CompletableFuture.supplyAsync(() -> client.get("/slow", null));
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        listener.stopAccepting();
        ApiClient.Reply refused = client.get("/fast", null);
        assertEquals(503, refused.status());
        assertEquals(14, refused.code());
        assertEquals(false, listener.awaitDrained(System.currentTimeMillis() + 200), "one request is still in flight");
        slow.complete(null);
        assertEquals(200, inFlight.get(10, TimeUnit.SECONDS).status());
        assertTrue(listener.awaitDrained(System.currentTimeMillis() + 5000));
        listener.stop();
    }
}
