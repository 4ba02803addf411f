import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Normal-request latency of a running Herald with and without slow uploads open: after a warm-up, a baseline
 * (sequential anonymous feed reads for {@code seconds}), then the same while {@code slow} uploads
 * (Content-Length 100000, 10 bytes a second, opened at 15 a second from 127.0.0.2–9) are open.
 * Prints p50/p99/max of both and their ratio. Loopback only; stops by itself.
 *
 * java bench/src/slow-clients/SlowClients.java PORT [seconds] [slow]
 */
public final class SlowClients {

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int slow = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        measure(http, port, Math.max(3, seconds / 2)); // warm-up, not counted
        long[] baseline = measure(http, port, seconds);
        List<Socket> sockets = new ArrayList<>();
        ScheduledExecutorService clients = Executors.newScheduledThreadPool(2);
        clients.scheduleAtFixedRate(() -> {
            synchronized (sockets) {
                if (sockets.size() < slow) {
                    sockets.add(open("127.0.0." + (2 + sockets.size() % 8), port));
                }
            }
        }, 0, 66, TimeUnit.MILLISECONDS);
        clients.scheduleAtFixedRate(() -> {
            synchronized (sockets) {
                sockets.forEach(SlowClients::trickle);
            }
        }, 1, 1, TimeUnit.SECONDS);
        while (true) {
            synchronized (sockets) {
                if (sockets.size() >= slow) {
                    break;
                }
            }
            Thread.sleep(100);
        }
        long[] loaded = measure(http, port, seconds);
        clients.shutdownNow();
        synchronized (sockets) {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
        report("baseline", baseline);
        report("with " + slow + " slow uploads open", loaded);
        System.out.printf("ratio p50 %.2f, p99 %.2f%n", (double) pct(loaded, 50) / pct(baseline, 50),
                (double) pct(loaded, 99) / pct(baseline, 99));
    }

    private static long[] measure(HttpClient http, int port, int seconds) throws Exception {
        List<Long> latencies = new ArrayList<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        int failures = 0;
        while (System.nanoTime() < end) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/events/api/v1/instances/"
                    + UUID.randomUUID() + "/events")).timeout(Duration.ofSeconds(10)).GET().build();
            long start = System.nanoTime();
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 429) {
                    Thread.sleep(60);
                    continue;
                }
                latencies.add(System.nanoTime() - start);
            } catch (IOException e) {
                failures++;
                latencies.add(System.nanoTime() - start);
            }
            Thread.sleep(50);
        }
        if (failures > 0) {
            System.out.println(failures + " requests failed or timed out");
        }
        return latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    private static Socket open(String from, int port) {
        try {
            Socket socket = new Socket();
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /events/instanceeventsforinstance/" + UUID.randomUUID() + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"data\":\"").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return socket;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The next 10 bytes of the body. */
    private static void trickle(Socket socket) {
        try {
            if (!socket.isClosed()) {
                socket.getOutputStream().write("xxxxxxxxxx".getBytes(StandardCharsets.US_ASCII));
            }
        } catch (IOException e) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
    }

    private static long pct(long[] sorted, int percent) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(percent / 100.0 * sorted.length) - 1)];
    }

    private static void report(String what, long[] sorted) {
        System.out.printf("%-32s n=%d p50=%.2f ms p99=%.2f ms max=%.2f ms%n", what, sorted.length, pct(sorted, 50) / 1e6,
                pct(sorted, 99) / 1e6, sorted.length == 0 ? 0 : Arrays.stream(sorted).max().getAsLong() / 1e6);
    }
}
