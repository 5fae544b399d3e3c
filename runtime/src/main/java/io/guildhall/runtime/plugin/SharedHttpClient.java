package io.guildhall.runtime.plugin;

import io.guildhall.spi.OutboundHttp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The JDK's HTTP client with the limits every plugin call needs: a connect deadline, one deadline
 * for the whole exchange (headers and body, so a platform that trickles bytes cannot hold a
 * thread), a cap on the body size, and redirects followed only within the same scheme and host.
 */
public final class SharedHttpClient implements OutboundHttp {
    private static final int MAX_REDIRECTS = 3;

    private final HttpClient client;
    private final Duration timeout;
    private final int maxBodyBytes;

    public SharedHttpClient(Duration connectTimeout, Duration timeout, int maxBodyBytes) {
        this.client = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.timeout = timeout;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public Response get(URI uri, Map<String, String> headers) throws IOException {
        return send(uri, headers, null, null);
    }

    @Override
    public Response post(URI uri, Map<String, String> headers, String contentType, byte[] body) throws IOException {
        return send(uri, headers, contentType, Objects.requireNonNull(body));
    }

    private Response send(URI uri, Map<String, String> headers, String contentType, byte[] body) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        URI target = uri;
        for (int redirects = 0; ; redirects++) {
            Response response = exchange(target, headers, contentType, body, deadline);
            String location = response.header("location").orElse(null);
            if (response.status() < 300 || response.status() >= 400 || location == null) {
                return response;
            }
            URI next = target.resolve(location);
            if (redirects == MAX_REDIRECTS || !sameOrigin(uri, next)) {
                throw new IOException("refused redirect from " + uri.getHost() + " to " + next.getHost());
            }
            target = next;
        }
    }

    private static boolean sameOrigin(URI a, URI b) {
        return Objects.equals(a.getScheme(), b.getScheme()) && a.getHost() != null
                && a.getHost().equalsIgnoreCase(b.getHost()) && a.getPort() == b.getPort();
    }

    private Response exchange(URI uri, Map<String, String> headers, String contentType, byte[] body, long deadline)
            throws IOException {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            throw new HttpTimeoutException("deadline passed before calling " + uri.getHost());
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofNanos(remaining));
        headers.forEach(request::header);
        if (body == null) {
            request.GET();
        } else {
            request.header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        }
        CompletableFuture<HttpResponse<byte[]>> call = client.sendAsync(request.build(), info -> new CappedBody(maxBodyBytes));
        try {
            HttpResponse<byte[]> response = call.get(remaining, TimeUnit.NANOSECONDS);
            return new Response(response.statusCode(), lowerCaseNames(response.headers().map()), response.body());
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new HttpTimeoutException("no complete answer from " + uri.getHost() + " within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted calling " + uri.getHost());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof IOException io ? io : new IOException("calling " + uri.getHost() + " failed: " + cause, cause);
        }
    }

    private static Map<String, List<String>> lowerCaseNames(Map<String, List<String>> headers) {
        Map<String, List<String>> lower = new TreeMap<>();
        headers.forEach((name, values) -> lower.merge(name.toLowerCase(Locale.ROOT), values, (a, b) -> {
            List<String> all = new java.util.ArrayList<>(a);
            all.addAll(b);
            return all;
        }));
        return lower;
    }

    /** Collects the body, failing as soon as it grows past the cap instead of buffering it all. */
    private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final int cap;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        CappedBody(int cap) {
            this.cap = cap;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                if (bytes.size() + buffer.remaining() > cap) {
                    subscription.cancel();
                    result.completeExceptionally(new IOException("response body over " + cap + " bytes"));
                    return;
                }
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                bytes.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(bytes.toByteArray());
        }
    }
}
