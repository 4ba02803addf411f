package io.herald.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Webhook receivers on 127.0.0.1, one JDK {@link HttpServer} (its own port, so its own endpoint
 * for the dispatcher's per-endpoint caps and breakers) each: a fast one answers 204 at once, a
 * stalling one answers after a fixed delay. Each counts what it received and may hand every body
 * to a listener (the end-to-end benchmark reads the event id from it).
 */
final class WebhookSinks implements AutoCloseable {

    /** One receiver. */
    static final class Sink {
        final URI uri;
        final LongAdder received = new LongAdder();
        private final HttpServer server;

        private Sink(HttpServer server) {
            this.server = server;
            this.uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
        }
    }

    private final List<Sink> sinks = new ArrayList<>();
    private final List<ExecutorService> executors = new ArrayList<>();

    /** A receiver that answers 204 at once, on {@code threads} handler threads. */
    Sink fast(int threads, Consumer<byte[]> bodies) throws IOException {
        return start(Duration.ZERO, Executors.newFixedThreadPool(threads), bodies);
    }

    /** A receiver that holds every request for {@code delay} before answering 204 (a thread per request). */
    Sink stalling(Duration delay) throws IOException {
        return start(delay, Executors.newCachedThreadPool(), body -> { });
    }

    private Sink start(Duration delay, ExecutorService executor, Consumer<byte[]> bodies) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        Sink sink = new Sink(server);
        server.createContext("/hook", exchange -> answer(exchange, sink, delay, bodies));
        server.setExecutor(executor);
        server.start();
        sinks.add(sink);
        executors.add(executor);
        return sink;
    }

    private static void answer(HttpExchange exchange, Sink sink, Duration delay, Consumer<byte[]> bodies) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readAllBytes();
            sink.received.increment();
            bodies.accept(body);
            if (!delay.isZero()) {
                try {
                    Thread.sleep(delay.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            exchange.sendResponseHeaders(204, -1);
        }
    }

    /** Reads the CloudEvent {@code id} of a body written by {@link DeliveryFixture#event}, without a JSON parser. */
    static String eventId(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        int start = text.indexOf("\"id\":\"");
        if (start < 0) {
            return null;
        }
        start += 6;
        return text.substring(start, text.indexOf('"', start));
    }

    @Override
    public void close() {
        sinks.forEach(sink -> sink.server.stop(0));
        executors.forEach(ExecutorService::shutdownNow);
    }
}
