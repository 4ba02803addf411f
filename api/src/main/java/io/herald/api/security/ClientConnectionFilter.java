package io.herald.api.security;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/**
 * The first filter: keeps slow and greedy clients from taking the server's worker threads.
 * <ul>
 * <li>A request body is received without a worker thread (Servlet non-blocking I/O: a
 * {@link BodyReading} collects it as it arrives); only once it is complete is the request
 * dispatched, with the body in memory, to the rest of the filters and the controllers. A body that
 * gains less than {@code herald.connections.min-body-rate} in a {@code body-rate-window} is
 * answered 408 and its connection closed; one larger than {@code herald.publish.max-body-size} 413.</li>
 * <li>A client (peer address) may have {@code herald.connections.max-per-client} requests in
 * progress at once; beyond that it gets 503 with {@code Retry-After} and its connection is closed.</li>
 * </ul>
 * Answers that refuse a body use statuses on which Tomcat closes the connection instead of reading
 * (swallowing) the rest of the body.
 */
final class ClientConnectionFilter implements Filter {

    static final String BODY_ATTRIBUTE = ClientConnectionFilter.class.getName() + ".body";

    private static final Logger log = LoggerFactory.getLogger(ClientConnectionFilter.class);

    private final ConnectionProperties properties;
    private final long maxBodyBytes;
    private final ConcurrentHashMap<String, AtomicInteger> inProgress = new ConcurrentHashMap<>();
    private final Set<BodyReading> readings = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService sweeper;

    ClientConnectionFilter(ConnectionProperties properties, long maxBodyBytes) {
        this.properties = properties;
        this.maxBodyBytes = maxBodyBytes;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "herald-body-rate");
            thread.setDaemon(true);
            return thread;
        });
        long every = Math.max(50, Math.min(1000, properties.bodyRateWindow().toMillis() / 4));
        sweeper.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public void doFilter(ServletRequest servletRequest, ServletResponse servletResponse, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) servletRequest;
        HttpServletResponse response = (HttpServletResponse) servletResponse;
        if (request.getDispatcherType() == DispatcherType.ASYNC && request.getAttribute(BODY_ATTRIBUTE) instanceof byte[] body) {
            request.removeAttribute(BODY_ATTRIBUTE);
            chain.doFilter(new BufferedBodyRequest(request, body), response);
            return;
        }
        if (request.getDispatcherType() != DispatcherType.REQUEST) {
            chain.doFilter(request, response);
            return;
        }
        String client = request.getRemoteAddr();
        boolean async = hasBody(request) && request.isAsyncSupported();
        if (!acquire(client)) {
            log.info("Refused a request from {}: it has {} requests in progress already", client, properties.maxPerClient());
            response.setHeader(HttpHeaders.RETRY_AFTER, "1");
            refuse(async ? request.startAsync() : null, response, HttpStatus.SERVICE_UNAVAILABLE, "too-many-connections",
                    "this client has " + properties.maxPerClient() + " requests in progress already; try again after Retry-After");
            return;
        }
        if (!async) {
            try {
                chain.doFilter(request, response);
            } finally {
                release(client);
            }
            return;
        }
        long length = request.getContentLengthLong();
        BufferedPrefix prefix = length > 0 && length <= maxBodyBytes ? BufferedPrefix.read(request, (int) length) : BufferedPrefix.NONE;
        if (prefix.size() == length) {
            // the whole body came with the headers, as a small one usually does: no need to wait for it
            try {
                chain.doFilter(new BufferedBodyRequest(request, prefix.bytes()), response);
            } finally {
                release(client);
            }
            return;
        }
        AsyncContext context = request.startAsync();
        context.setTimeout(0);
        context.addListener(new ReleaseOnCompletion(client));
        if (length > maxBodyBytes) {
            refuse(context, response, HttpStatus.CONTENT_TOO_LARGE, "payload-too-large",
                    "a request body may be at most " + maxBodyBytes + " bytes but was " + length);
            return;
        }
        BodyReading reading = new BodyReading(context, request, response, maxBodyBytes, properties, prefix, readings::remove);
        readings.add(reading);
        request.getInputStream().setReadListener(reading);
    }

    /**
     * What of a body of declared {@code length} had arrived when the request began: read without ever
     * waiting ({@code available()} bytes only), so a slow client holds no thread here either.
     */
    record BufferedPrefix(byte[] bytes, int size) {

        static final BufferedPrefix NONE = new BufferedPrefix(new byte[0], 0);

        static BufferedPrefix read(HttpServletRequest request, int length) throws IOException {
            jakarta.servlet.ServletInputStream in = request.getInputStream();
            byte[] bytes = null;
            int size = 0;
            while (size < length && in.available() > 0) {
                if (bytes == null) {
                    bytes = new byte[length];
                }
                int n = in.read(bytes, size, length - size);
                if (n < 0) {
                    break;
                }
                size += n;
            }
            return bytes == null ? NONE : new BufferedPrefix(bytes, size);
        }
    }

    private static boolean hasBody(HttpServletRequest request) {
        return request.getContentLengthLong() > 0 || request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
    }

    /** Answers and ends the exchange; with a body still arriving, the connection is closed rather than drained. */
    static void refuse(AsyncContext context, HttpServletResponse response, HttpStatus status, String code, String detail) {
        try {
            response.setHeader(HttpHeaders.CONNECTION, "close");
            ProblemResponses.write(response, status, code, detail);
        } catch (IOException | RuntimeException e) {
            log.debug("Could not answer {} to a client that is gone: {}", status.value(), e.toString());
        }
        if (context != null) {
            context.complete();
        }
    }

    private boolean acquire(String client) {
        AtomicInteger count = inProgress.compute(client, (key, current) -> {
            AtomicInteger counter = current != null ? current : new AtomicInteger();
            counter.incrementAndGet();
            return counter;
        });
        if (count.get() > properties.maxPerClient()) {
            release(client);
            return false;
        }
        return true;
    }

    private void release(String client) {
        inProgress.computeIfPresent(client, (key, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    private void sweep() {
        long now = System.nanoTime();
        for (BodyReading reading : readings) {
            try {
                reading.checkRate(now);
            } catch (RuntimeException e) {
                log.warn("Could not check the body rate of a request", e);
            }
        }
    }

    @Override
    public void destroy() {
        sweeper.shutdownNow();
    }

    /** Ends the client's count once the exchange is over, however it ends (once). */
    private final class ReleaseOnCompletion implements AsyncListener {

        private final String client;
        private final AtomicBoolean released = new AtomicBoolean();

        ReleaseOnCompletion(String client) {
            this.client = client;
        }

        private void end() {
            if (released.compareAndSet(false, true)) {
                release(client);
            }
        }

        @Override
        public void onComplete(AsyncEvent event) {
            end();
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            end();
        }

        @Override
        public void onError(AsyncEvent event) {
            end();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            event.getAsyncContext().addListener(this);
        }
    }
}
