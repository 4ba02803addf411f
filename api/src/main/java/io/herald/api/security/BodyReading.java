package io.herald.api.security;

import java.io.IOException;
import java.util.Arrays;
import java.util.function.Consumer;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;

/**
 * One request body being received without a worker thread: Tomcat calls {@link #onDataAvailable()}
 * when bytes arrive; once all have, the request is dispatched again with the body in memory. The
 * sweeper calls {@link #checkRate(long)}; a body that gained too little in a window is answered 408.
 * Callbacks and the sweeper are serialised on this object, and whichever ends the reading first wins.
 */
final class BodyReading implements ReadListener {

    private static final Logger log = LoggerFactory.getLogger(BodyReading.class);

    private final AsyncContext context;
    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final ServletInputStream in;
    private final long maxBytes;
    private final long minBytesPerWindow;
    private final long windowNanos;
    private final Consumer<BodyReading> onEnd;
    /** The body so far: sized to the declared length, so a body that says how long it is is read into it without a copy. */
    private byte[] body;
    private int received;
    private long windowStartBytes;
    private long windowStart = System.nanoTime();
    private boolean ended;

    BodyReading(AsyncContext context, HttpServletRequest request, HttpServletResponse response, long maxBytes,
            ConnectionProperties properties, ClientConnectionFilter.BufferedPrefix prefix, Consumer<BodyReading> onEnd)
            throws IOException {
        this.context = context;
        this.request = request;
        this.response = response;
        this.in = request.getInputStream();
        this.maxBytes = maxBytes;
        this.minBytesPerWindow = properties.minBytesPerWindow();
        this.windowNanos = properties.bodyRateWindow().toNanos();
        this.onEnd = onEnd;
        long length = request.getContentLengthLong();
        if (prefix.size() > 0) {
            this.body = prefix.bytes();
            this.received = prefix.size();
            this.windowStartBytes = received;
        } else {
            this.body = new byte[(int) Math.min(capacity(), length > 0 ? length : 1024)];
        }
    }

    @Override
    public synchronized void onDataAvailable() throws IOException {
        while (!ended && in.isReady()) {
            if (received == body.length) {
                // no length was declared (chunked): grow, up to the capacity
                body = Arrays.copyOf(body, (int) Math.min(capacity(), 2L * body.length));
            }
            int n = in.read(body, received, body.length - received);
            if (n < 0) {
                return;
            }
            received += n;
            if (received > maxBytes) {
                end(HttpStatus.CONTENT_TOO_LARGE, "payload-too-large", "a request body may be at most " + maxBytes + " bytes");
                return;
            }
        }
    }

    /** The most the buffer holds: one byte past the limit, which is how an excess shows. */
    private long capacity() {
        return Math.min(maxBytes + 1, Integer.MAX_VALUE - 8);
    }

    @Override
    public synchronized void onAllDataRead() {
        if (ended) {
            return;
        }
        ended = true;
        onEnd.accept(this);
        request.setAttribute(ClientConnectionFilter.BODY_ATTRIBUTE, received == body.length ? body : Arrays.copyOf(body, received));
        context.dispatch();
    }

    @Override
    public synchronized void onError(Throwable failure) {
        if (ended) {
            return;
        }
        ended = true;
        onEnd.accept(this);
        log.debug("A request body could not be read: {}", failure.toString());
        context.complete();
    }

    /** Ends the reading with 408 if the body gained less than the minimum in the window that ended. */
    synchronized void checkRate(long now) {
        if (ended || now - windowStart < windowNanos) {
            return;
        }
        long gained = received - windowStartBytes;
        if (gained < minBytesPerWindow) {
            log.info("Closed the connection of {}: its request body gained {} bytes in {} ms, below the minimum of {}",
                    request.getRemoteAddr(), gained, (now - windowStart) / 1_000_000, minBytesPerWindow);
            end(HttpStatus.REQUEST_TIMEOUT, "body-too-slow", "the request body arrived more slowly than this server accepts ("
                    + minBytesPerWindow + " bytes per " + windowNanos / 1_000_000 + " ms)");
            return;
        }
        windowStart = now;
        windowStartBytes = received;
    }

    private void end(HttpStatus status, String code, String detail) {
        ended = true;
        onEnd.accept(this);
        ClientConnectionFilter.refuse(context, response, status, code, detail);
    }
}
