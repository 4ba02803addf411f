package io.herald.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Function;

/**
 * The steady scenario's publisher: one thread and a fixed set of keep-alive HTTP/1.1 connections to Herald, each
 * with one publish at a time, sending on a fixed schedule. It replaces the JDK {@code HttpClient} there because that
 * client spent more CPU per publish than Herald did: in a steady run on two cores the load process used 0.69 cores
 * at 837 events/s, Herald 0.61 and PostgreSQL 0.53, so the load took from Herald what it was measuring. When Herald
 * falls behind, the schedule slips (the publish latency counts from each publish's planned time) rather than more
 * connections being opened.
 */
final class SchedulePublisher {

    /** What happened to one publish. */
    interface Outcome {
        /** Called on the publisher's thread the moment the request is written. */
        void sent(String id);

        /** The publish's answer: its status (0 when the connection failed) and the time from its planned moment. */
        void answered(int status, String failure, long microsFromPlanned);
    }

    private final InetSocketAddress address;
    private final String head;

    SchedulePublisher(URI herald, String token) {
        this.address = new InetSocketAddress(herald.getHost(), herald.getPort());
        this.head = "POST /events/api/v1/events HTTP/1.1\r\nHost: " + herald.getHost() + ":" + herald.getPort()
                + "\r\nAuthorization: Bearer " + token + "\r\nContent-Type: application/cloudevents+json\r\nContent-Length: ";
    }

    private static final class Connection {
        final SocketChannel channel;
        final SelectionKey key;
        final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        ByteBuffer out;
        long planned;

        Connection(SocketChannel channel, SelectionKey key) {
            this.channel = channel;
            this.key = key;
        }
    }

    /**
     * Publishes {@code total} events, one every {@code intervalNanos} from now, with at most {@code connections}
     * open at once, giving up on the schedule at {@code deadlineNanos} and on answers still awaited 30 s later;
     * returns how many were sent.
     */
    long run(long total, long intervalNanos, int connections, long deadlineNanos, Function<String, String> bodies,
            Outcome outcome) throws IOException {
        try (Selector selector = Selector.open()) {
            ArrayDeque<Connection> idle = new ArrayDeque<>();
            for (int i = 0; i < connections; i++) {
                idle.add(open(selector));
            }
            long start = System.nanoTime();
            long hardStop = deadlineNanos + java.util.concurrent.TimeUnit.SECONDS.toNanos(30); // answers still awaited
            long sent = 0;
            int busy = 0;
            while (((sent < total && System.nanoTime() < deadlineNanos) || busy > 0) && System.nanoTime() < hardStop) {
                long now = System.nanoTime();
                while (sent < total && !idle.isEmpty() && start + sent * intervalNanos <= now && now < deadlineNanos) {
                    Connection connection = idle.poll();
                    String id = UUID.randomUUID().toString();
                    byte[] body = bodies.apply(id).getBytes(StandardCharsets.UTF_8);
                    byte[] head = (this.head + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
                    connection.out = ByteBuffer.allocate(head.length + body.length).put(head).put(body).flip();
                    connection.planned = start + sent * intervalNanos;
                    outcome.sent(id);
                    connection.channel.write(connection.out);
                    if (connection.out.hasRemaining()) {
                        connection.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                    }
                    busy++;
                    sent++;
                }
                long waitMillis = 100;
                if (sent < total && !idle.isEmpty()) {
                    // rounded up: at 1,000 a second the next publish is always under a millisecond away, and rounding
                    // down made this loop poll without sleeping, 0.7 of a core the load process took from Herald
                    long due = start + sent * intervalNanos - System.nanoTime();
                    waitMillis = due <= 0 ? 0 : (due + 999_999) / 1_000_000;
                }
                ArrayDeque<Connection> answered = new ArrayDeque<>();
                java.util.function.Consumer<SelectionKey> ready = key -> ready(key, selector, outcome, answered);
                if (waitMillis == 0) {
                    selector.selectNow(ready);
                } else {
                    selector.select(ready, waitMillis);
                }
                busy -= answered.size();
                idle.addAll(answered);
            }
            for (SelectionKey key : selector.keys()) {
                key.channel().close();
            }
            return sent;
        }
    }

    /**
     * Writes what is left of a request, reads what came of its answer; once the answer is whole, reports it and adds
     * the connection (a new one if the server closes this) to {@code answered}.
     */
    private void ready(SelectionKey key, Selector selector, Outcome outcome, ArrayDeque<Connection> answered) {
        Connection connection = (Connection) key.attachment();
        try {
            if (key.isValid() && key.isWritable()) {
                connection.channel.write(connection.out);
                if (!connection.out.hasRemaining()) {
                    key.interestOps(SelectionKey.OP_READ);
                }
            }
            if (!key.isValid() || !key.isReadable()) {
                return;
            }
            int read = connection.channel.read(connection.in);
            Response response = read < 0 ? Response.CLOSED : Response.parse(connection.in);
            if (response == null) {
                return;
            }
            outcome.answered(response.status, response.status == 0 ? "connection closed" : null,
                    (System.nanoTime() - connection.planned) / 1000);
            if (response.close) {
                key.cancel();
                connection.channel.close();
                answered.add(open(selector));
            } else {
                connection.in.clear();
                answered.add(connection);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Connection open(Selector selector) throws IOException {
        SocketChannel channel = SocketChannel.open(address);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        channel.configureBlocking(false);
        SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
        Connection connection = new Connection(channel, key);
        key.attach(connection);
        return connection;
    }

    /** A complete answer (status, whether the server closes the connection after it), or null while more is to come. */
    private record Response(int status, boolean close) {

        static final Response CLOSED = new Response(0, true);

        static Response parse(ByteBuffer in) {
            byte[] bytes = in.array();
            int length = in.position();
            int headEnd = HttpBytes.indexOf(bytes, 0, length, HttpBytes.HEAD_END);
            if (headEnd < 0) {
                return null;
            }
            String head = new String(bytes, 0, headEnd, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
            int status = Integer.parseInt(head.substring(9, 12));
            boolean close = "close".equals(HttpBytes.headerValue(head, "connection"));
            int bodyStart = headEnd + 4;
            String contentLength = HttpBytes.headerValue(head, "content-length");
            if (contentLength != null) {
                return length >= bodyStart + Long.parseLong(contentLength) ? new Response(status, close) : null;
            }
            if ("chunked".equals(HttpBytes.headerValue(head, "transfer-encoding"))) {
                return HttpBytes.indexOf(bytes, bodyStart, length, LAST_CHUNK) >= 0 ? new Response(status, close) : null;
            }
            return new Response(status, close); // no body (204, 304) or one that ends with the connection
        }

        private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    }
}
