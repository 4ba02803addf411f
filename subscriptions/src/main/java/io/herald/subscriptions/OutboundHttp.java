package io.herald.subscriptions;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.concurrent.DefaultThreadFactory;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.nio.entity.AsyncEntityProducers;
import org.apache.hc.core5.http.nio.support.AsyncRequestBuilder;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * The one HTTP client Herald calls subscribers' endpoints with (validation handshakes, deliveries,
 * test events): POSTs a CloudEvent over HTTP/1.1, follows no redirect, keeps connect and response
 * timeouts, reads at most the first {@value #EXCERPT_BYTES} bytes of the answer, and keeps many
 * requests in flight on a few I/O threads.
 *
 * <p>Every connection it opens gets its addresses from {@link OutboundGuard#addressesToConnect}
 * (Apache HttpClient 5's {@link DnsResolver}), so an endpoint whose name resolves to an internal
 * address when the connection is made — even if it did not a moment earlier — is never connected
 * to; the request comes back {@link OutboundResult.Refused}. TLS uses the JVM's default trust and
 * host name verification; no proxy is used.
 *
 * <p>Results complete on the client's I/O threads: callers that do blocking work with them (a
 * database write) hand them to their own executor.
 */
public final class OutboundHttp implements AutoCloseable {

    /** Herald only ever POSTs structured-mode CloudEvents. */
    public static final String CLOUDEVENTS_JSON = "application/cloudevents+json";
    public static final int EXCERPT_BYTES = 512;

    /**
     * @param name                      prefix of the client's thread names, e.g. {@code herald-webhook}
     * @param connectTimeout            TCP and TLS connect timeout
     * @param responseTimeout           how long an endpoint may take to answer, and stay silent while answering
     * @param maxConnections            connections open at once over all endpoints
     * @param maxConnectionsPerEndpoint connections open at once to one endpoint (scheme, host and port)
     */
    public record Settings(String name, Duration connectTimeout, Duration responseTimeout, int maxConnections,
            int maxConnectionsPerEndpoint) {

        public Settings {
            Objects.requireNonNull(name, "name");
            requirePositive("connectTimeout", connectTimeout);
            requirePositive("responseTimeout", responseTimeout);
            if (maxConnections < 1 || maxConnectionsPerEndpoint < 1) {
                throw new IllegalArgumentException("maxConnections and maxConnectionsPerEndpoint must be at least 1 but were "
                        + maxConnections + " and " + maxConnectionsPerEndpoint);
            }
        }

        private static void requirePositive(String name, Duration value) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive but was " + value);
            }
        }
    }

    private static final ContentType CLOUDEVENTS = ContentType.create(CLOUDEVENTS_JSON);

    private final CloseableHttpAsyncClient client;
    private final ScheduledThreadPoolExecutor deadlines;
    private final long deadlineMillis;

    public OutboundHttp(OutboundGuard guard, Settings settings) {
        Objects.requireNonNull(guard, "guard");
        DnsResolver resolver = new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                return guard.addressesToConnect(host);
            }

            @Override
            public String resolveCanonicalHostname(String host) {
                return host; // no reverse look-ups: the name the subscriber gave is the one TLS checks
            }
        };
        Timeout connectTimeout = Timeout.ofMilliseconds(settings.connectTimeout().toMillis());
        Timeout responseTimeout = Timeout.ofMilliseconds(settings.responseTimeout().toMillis());
        var connections = PoolingAsyncClientConnectionManagerBuilder.create()
                .setDnsResolver(resolver)
                .setMaxConnTotal(settings.maxConnections())
                .setMaxConnPerRoute(settings.maxConnectionsPerEndpoint())
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(connectTimeout)
                        .setSocketTimeout(responseTimeout)
                        .setValidateAfterInactivity(TimeValue.ofSeconds(2))
                        .build())
                .setDefaultTlsConfig(TlsConfig.custom().setVersionPolicy(HttpVersionPolicy.FORCE_HTTP_1).build())
                .build();
        this.client = HttpAsyncClients.custom()
                .setConnectionManager(connections)
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setRedirectsEnabled(false)
                        .setResponseTimeout(responseTimeout)
                        // the pool is as large as the callers' own caps: a wait for a connection is short
                        .setConnectionRequestTimeout(connectTimeout)
                        .setContentCompressionEnabled(false)
                        .setProtocolUpgradeEnabled(false)
                        .setExpectContinueEnabled(false)
                        .build())
                .disableRedirectHandling()
                .disableAutomaticRetries() // a POST is an attempt: the caller counts and retries it
                .disableCookieManagement()
                .disableAuthCaching()
                .evictIdleConnections(TimeValue.ofSeconds(30))
                .setUserAgent("Herald")
                .setThreadFactory(new DefaultThreadFactory(settings.name() + "-io", true))
                .build();
        this.client.start();
        this.deadlines = new ScheduledThreadPoolExecutor(1, new DefaultThreadFactory(settings.name() + "-deadline", true));
        this.deadlines.setRemoveOnCancelPolicy(true);
        // the response timeout counts silence; this bounds the whole attempt, which callers' leases rely on
        this.deadlineMillis = settings.connectTimeout().plus(settings.responseTimeout()).toMillis();
    }

    /**
     * POSTs {@code body} as {@code application/cloudevents+json} with the given headers. The future
     * never completes exceptionally (unless the caller cancels it, which cancels the request).
     */
    public CompletableFuture<OutboundResult> post(URI endpoint, byte[] body, Map<String, String> headers) {
        return post(endpoint, CLOUDEVENTS, body, headers);
    }

    /** As {@link #post(URI, byte[], Map)}, with another content type (an encrypted Web Push message, a form for an SMS gateway). */
    public CompletableFuture<OutboundResult> post(URI endpoint, String contentType, byte[] body, Map<String, String> headers) {
        return post(endpoint, ContentType.parse(contentType), body, headers);
    }

    private CompletableFuture<OutboundResult> post(URI endpoint, ContentType contentType, byte[] body, Map<String, String> headers) {
        long start = System.nanoTime();
        CompletableFuture<OutboundResult> result = new CompletableFuture<>();
        Future<OutboundResult> exchange;
        try {
            AsyncRequestBuilder request = AsyncRequestBuilder.post(endpoint).setEntity(AsyncEntityProducers.create(body, contentType));
            headers.forEach(request::addHeader);
            exchange = client.execute(request.build(), new ExcerptConsumer(start), null, new FutureCallback<OutboundResult>() {
                @Override
                public void completed(OutboundResult answer) {
                    result.complete(answer);
                }

                @Override
                public void failed(Exception failure) {
                    result.complete(failure(failure, start));
                }

                @Override
                public void cancelled() {
                    result.complete(new OutboundResult.Failed("CancellationException", "the request was cancelled", millisSince(start)));
                }
            });
        } catch (RuntimeException e) {
            result.complete(failure(e, start));
            return result;
        }
        ScheduledFuture<?> deadline = deadlines.schedule(() -> {
            if (result.complete(new OutboundResult.Failed("SocketTimeoutException",
                    "no complete answer within " + deadlineMillis + " ms", millisSince(start)))) {
                exchange.cancel(true);
            }
        }, deadlineMillis, TimeUnit.MILLISECONDS);
        result.whenComplete((answer, failure) -> {
            deadline.cancel(false);
            if (result.isCancelled()) {
                exchange.cancel(true);
            }
        });
        return result;
    }

    /**
     * Closes the connections, gracefully for up to a second (callers have waited for their requests
     * already), then at once; requests still in flight fail. An immediate close alone races the
     * I/O reactor's own loop, which then logs a ConcurrentModificationException at ERROR.
     */
    @Override
    public void close() {
        client.initiateShutdown();
        try {
            client.awaitShutdown(org.apache.hc.core5.util.TimeValue.ofSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close(CloseMode.IMMEDIATE);
        deadlines.shutdownNow();
    }

    private static OutboundResult failure(Throwable failure, long start) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof AddressRefusedException refused) {
                return new OutboundResult.Refused(refused.reason(), millisSince(start));
            }
        }
        return new OutboundResult.Failed(jdkName(failure.getClass()), failure.getMessage(), millisSince(start));
    }

    /**
     * The failure's kind as the JDK names it ({@code ConnectException}, not the client library's
     * subclass), so what attempts record does not change with the HTTP library.
     */
    private static String jdkName(Class<?> type) {
        Class<?> named = type;
        while (named.getSuperclass() != null && !named.getName().startsWith("java.") && !named.getName().startsWith("javax.")) {
            named = named.getSuperclass();
        }
        return named.getSimpleName();
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** Keeps the status, {@code Retry-After} and the first bytes of the body; stops reading after that. */
    private static final class ExcerptConsumer implements AsyncResponseConsumer<OutboundResult> {

        private final long start;
        private final byte[] excerpt = new byte[EXCERPT_BYTES];
        private int length;
        private int status;
        private String retryAfter;
        private FutureCallback<OutboundResult> answer;

        ExcerptConsumer(long start) {
            this.start = start;
        }

        @Override
        public void consumeResponse(HttpResponse response, EntityDetails entity, HttpContext context,
                FutureCallback<OutboundResult> resultCallback) {
            status = response.getCode();
            Header header = response.getFirstHeader("Retry-After");
            retryAfter = header == null ? null : header.getValue();
            answer = resultCallback;
            if (entity == null) {
                answer.completed(answered());
            }
        }

        @Override
        public void informationResponse(HttpResponse response, HttpContext context) {
            // 1xx: the final answer follows
        }

        @Override
        public void updateCapacity(CapacityChannel capacityChannel) throws IOException {
            capacityChannel.update(Integer.MAX_VALUE);
        }

        @Override
        public void consume(ByteBuffer src) throws IOException {
            int take = Math.min(src.remaining(), excerpt.length - length);
            src.get(excerpt, length, take);
            length += take;
            if (src.hasRemaining()) {
                answer.completed(answered());
                // the rest is not wanted: failing the exchange closes the connection instead of reading on
                throw new IOException("answer cut after " + EXCERPT_BYTES + " bytes");
            }
        }

        @Override
        public void streamEnd(List<? extends Header> trailers) {
            answer.completed(answered());
        }

        @Override
        public void failed(Exception cause) {
            // the request's callback hears of it
        }

        @Override
        public void releaseResources() {
            // nothing held
        }

        private OutboundResult answered() {
            return new OutboundResult.Answered(status, Optional.ofNullable(retryAfter),
                    new String(excerpt, 0, length, StandardCharsets.UTF_8), millisSince(start));
        }
    }
}
