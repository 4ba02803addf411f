package io.herald.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * A webhook receiver on 127.0.0.1 that answers every request 204 at once, on one thread with non-blocking sockets:
 * the load process's receiver where its own CPU competes with Herald's for the same cores. JDK {@code HttpServer}s
 * with two handler threads each cost the load process about 4.5 s more CPU per 60 s steady window of 1,000
 * deliveries a second than these (1,343-1,396 ticks of 10 ms against 754-952, docs/benchmarks.md). It reads a
 * request into one buffer, hands its body to a listener and writes a fixed answer. It speaks what Herald's webhook
 * client sends (HTTP/1.1 keep-alive, a body with {@code Content-Length} or chunked, {@code Expect: 100-continue}
 * answered) and nothing else.
 */
final class LoopbackReceiver implements AutoCloseable {

    private static final byte[] NO_CONTENT = "HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] NO_CONTENT_CLOSE = "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    final URI uri;
    final LongAdder received = new LongAdder();
    private final Consumer<byte[]> bodies;
    private final Selector selector;
    private final ServerSocketChannel server;
    private final Thread thread;
    private volatile boolean open = true;
    /** The chunks' data, joined, of the last {@link #dechunk} (one receiver thread, so one scratch buffer). */
    private byte[] bytesOfChunks = new byte[16 * 1024];

    /** Starts listening on a free port of 127.0.0.1; every request's body goes to {@code bodies}, on the receiver's thread. */
    LoopbackReceiver(Consumer<byte[]> bodies) throws IOException {
        this.bodies = bodies;
        this.selector = Selector.open();
        this.server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0), 1024);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        this.uri = URI.create("http://127.0.0.1:" + ((InetSocketAddress) server.getLocalAddress()).getPort() + "/hook");
        this.thread = new Thread(this::loop, "receiver-" + uri.getPort());
        thread.setDaemon(true);
        thread.start();
    }

    /** One client connection: what it sent so far, and what is left to write of the answers. */
    private static final class Connection {
        ByteBuffer in = ByteBuffer.allocate(16 * 1024);
        ByteBuffer out = ByteBuffer.allocate(0);
        boolean closeAfterAnswer;
        boolean continued;
    }

    private void loop() {
        try {
            while (open) {
                selector.select(this::ready, 200);
            }
        } catch (IOException | UncheckedIOException e) {
            if (open) {
                System.err.println("receiver " + uri + " stopped: " + e);
            }
        }
    }

    private void ready(SelectionKey key) {
        try {
            if (key.isAcceptable()) {
                SocketChannel channel = server.accept();
                if (channel != null) {
                    channel.configureBlocking(false);
                    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    channel.register(selector, SelectionKey.OP_READ, new Connection());
                }
                return;
            }
            SocketChannel channel = (SocketChannel) key.channel();
            Connection connection = (Connection) key.attachment();
            if (key.isWritable()) {
                flush(key, channel, connection);
            }
            if (key.isValid() && key.isReadable()) {
                if (!connection.in.hasRemaining()) {
                    connection.in = ByteBuffer.allocate(connection.in.capacity() * 2).put(connection.in.flip());
                }
                if (channel.read(connection.in) < 0) {
                    key.cancel();
                    channel.close();
                    return;
                }
                while (answerOne(connection)) {
                    // every whole request in the buffer is answered
                }
                flush(key, channel, connection);
            }
        } catch (IOException e) {
            key.cancel();
            try {
                key.channel().close();
            } catch (IOException ignored) {
                // closing a broken connection
            }
        }
    }

    /** Answers the first whole request in the connection's buffer and drops it from there; false while none is whole. */
    private boolean answerOne(Connection connection) {
        byte[] bytes = connection.in.array();
        int length = connection.in.position();
        int headEnd = HttpBytes.indexOf(bytes, 0, length, HttpBytes.HEAD_END);
        if (headEnd < 0) {
            return false;
        }
        String head = new String(bytes, 0, headEnd, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        int bodyStart = headEnd + 4;
        byte[] body;
        int end;
        String contentLength = HttpBytes.headerValue(head, "content-length");
        if (contentLength != null) {
            long declared = Long.parseLong(contentLength);
            if (length < bodyStart + declared) {
                continueIfAsked(connection, head);
                return false;
            }
            end = bodyStart + (int) declared;
            body = Arrays.copyOfRange(bytes, bodyStart, end);
        } else if ("chunked".equals(HttpBytes.headerValue(head, "transfer-encoding"))) {
            int[] chunked = dechunk(bytes, bodyStart, length);
            if (chunked == null) {
                continueIfAsked(connection, head);
                return false;
            }
            end = chunked[0];
            body = Arrays.copyOf(bytesOfChunks, chunked[1]);
        } else {
            end = bodyStart;
            body = new byte[0];
        }
        connection.closeAfterAnswer = "close".equals(HttpBytes.headerValue(head, "connection"));
        connection.continued = false;
        append(connection, connection.closeAfterAnswer ? NO_CONTENT_CLOSE : NO_CONTENT);
        connection.in.flip().position(end);
        connection.in.compact();
        received.increment();
        bodies.accept(body);
        return !connection.closeAfterAnswer;
    }

    private static void continueIfAsked(Connection connection, String head) {
        if (!connection.continued && "100-continue".equals(HttpBytes.headerValue(head, "expect"))) {
            connection.continued = true;
            append(connection, CONTINUE);
        }
    }

    /** {end of the chunked body, length of its data} once the last chunk is in, or null while more is to come. */
    private int[] dechunk(byte[] bytes, int from, int length) {
        int at = from;
        int size = 0;
        while (true) {
            int lineEnd = HttpBytes.indexOf(bytes, at, length, HttpBytes.LINE_END);
            if (lineEnd < 0) {
                return null;
            }
            String sizeLine = new String(bytes, at, lineEnd - at, StandardCharsets.ISO_8859_1);
            int chunk = Integer.parseInt(sizeLine.split(";", 2)[0].trim(), 16);
            int dataStart = lineEnd + 2;
            if (chunk == 0) {
                int trailerEnd = HttpBytes.indexOf(bytes, lineEnd, length, HttpBytes.HEAD_END);
                return trailerEnd < 0 ? null : new int[] {trailerEnd + 4, size};
            }
            if (length < dataStart + chunk + 2) {
                return null;
            }
            if (bytesOfChunks.length < size + chunk) {
                bytesOfChunks = Arrays.copyOf(bytesOfChunks, Math.max(bytesOfChunks.length * 2, size + chunk));
            }
            System.arraycopy(bytes, dataStart, bytesOfChunks, size, chunk);
            size += chunk;
            at = dataStart + chunk + 2;
        }
    }

    private static void append(Connection connection, byte[] answer) {
        ByteBuffer out = connection.out;
        if (!out.hasRemaining()) {
            connection.out = ByteBuffer.wrap(answer);
            return;
        }
        connection.out = ByteBuffer.allocate(out.remaining() + answer.length).put(out).put(answer).flip();
    }

    private static void flush(SelectionKey key, SocketChannel channel, Connection connection) throws IOException {
        channel.write(connection.out);
        if (connection.out.hasRemaining()) {
            key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            return;
        }
        if (connection.closeAfterAnswer) {
            key.cancel();
            channel.close();
            return;
        }
        key.interestOps(SelectionKey.OP_READ);
    }

    @Override
    public void close() throws IOException {
        open = false;
        selector.wakeup();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (SelectionKey key : selector.keys()) {
            key.channel().close();
        }
        selector.close();
    }
}
