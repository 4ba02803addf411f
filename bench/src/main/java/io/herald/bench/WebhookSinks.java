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
 * Webhook receivers on 127.0.0.1, each on its own port, so its own endpoint for the dispatcher's per-endpoint caps
 * and breakers: a fast one answers 204 at once ({@link LoopbackReceiver}, one thread), a stalling one answers after
 * a fixed delay (a JDK {@link HttpServer}, a thread per request). Each counts what it received and may hand every
 * body to a listener (the end-to-end benchmarks read the event id from it).
 */
final class WebhookSinks implements AutoCloseable {

    /** One receiver. */
    static final class Sink {
        final URI uri;
        final LongAdder received;

        private Sink(URI uri, LongAdder received) {
            this.uri = uri;
            this.received = received;
        }
    }

    private final List<AutoCloseable> servers = new ArrayList<>();
    private final List<ExecutorService> executors = new ArrayList<>();

    /** A receiver that answers 204 at once, handing each body to {@code bodies} on its one thread. */
    Sink fast(Consumer<byte[]> bodies) throws IOException {
        LoopbackReceiver receiver = new LoopbackReceiver(bodies);
        servers.add(receiver);
        return new Sink(receiver.uri, receiver.received);
    }

    /** A receiver that holds every request for {@code delay} before answering 204 (a thread per request). */
    Sink stalling(Duration delay) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        Sink sink = new Sink(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook"), new LongAdder());
        ExecutorService executor = Executors.newCachedThreadPool();
        server.createContext("/hook", exchange -> stall(exchange, sink, delay));
        server.setExecutor(executor);
        server.start();
        servers.add(() -> server.stop(0));
        executors.add(executor);
        return sink;
    }

    private static void stall(HttpExchange exchange, Sink sink, Duration delay) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            in.readAllBytes();
            sink.received.increment();
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
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
    public void close() throws Exception {
        for (AutoCloseable server : servers) {
            server.close();
        }
        executors.forEach(ExecutorService::shutdownNow);
    }
}
