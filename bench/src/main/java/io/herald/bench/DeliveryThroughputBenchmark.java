package io.herald.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import io.herald.dispatcher.DispatcherProperties;
import io.herald.dispatcher.internal.DeliveryWorker;

/**
 * Deliveries per second through the real dispatcher (claim, sign, POST, record the attempt) to fast
 * local receivers, against the best bare JDK {@link HttpClient} POSTing the same body to the same
 * receivers with the same concurrency and no database, measured in the same run. Bounded in time;
 * creates and drops the database {@code bench_delivery}.
 *
 * <p>Run: {@code bench/run-delivery.sh throughput [seconds=10] [endpoints=8]}.
 */
public final class DeliveryThroughputBenchmark {

    private static final int WARM_UP_SECONDS = 3;

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int endpoints = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        DispatcherProperties properties = DeliveryFixture.dispatcherProperties();
        int concurrency = Math.min(properties.maxInFlight(), endpoints * properties.maxInFlightPerEndpoint());
        System.out.println("dispatcher settings: " + properties);
        try (WebhookSinks sinks = new WebhookSinks();
             DeliveryFixture fixture = new DeliveryFixture("bench_delivery", 16, appended -> { })) {
            List<WebhookSinks.Sink> fast = new ArrayList<>();
            for (int i = 0; i < endpoints; i++) {
                fast.add(sinks.fast(body -> { }));
            }
            byte[] body = DeliveryFixture.event(UUID.randomUUID().toString(), "urn:altinn:resource:bench_delivery", "/party/50001")
                    .toString().getBytes(StandardCharsets.UTF_8);
            List<URI> uris = fast.stream().map(sink -> sink.uri).toList();

            List<double[]> raw = new ArrayList<>();
            double best = 0;
            String bestName = null;
            for (int threads : new int[] {0, 1, 2, 4}) {
                double rate = raw(uris, body, concurrency, threads, seconds);
                if (rate > best) {
                    best = rate;
                    bestName = clientName(threads);
                }
            }
            int bestThreads = bestName.equals(clientName(0)) ? 0 : Integer.parseInt(bestName.replaceAll("\\D", ""));

            List<Long> subscriptions = new ArrayList<>();
            for (URI uri : uris) {
                subscriptions.add(fixture.subscribe(uri, "urn:altinn:resource:bench_delivery"));
            }
            // enough for the measured window at up to 4 k/s; the run stops when the window ends
            int events = Math.max(1_000, 4_000 * (seconds + WARM_UP_SECONDS) / endpoints);
            long lastSeq = fixture.appendEvents(events, "urn:altinn:resource:bench_delivery");
            int backlog = fixture.deliver(subscriptions, 0, lastSeq);
            System.out.printf("backlog: %d deliveries to %d endpoints%n", backlog, endpoints);
            double herald = herald(fixture, properties, seconds, backlog);
            double rawAgain = raw(uris, body, concurrency, bestThreads, seconds);

            System.out.printf("%n%d endpoints, %d requests in flight at most, %d s per phase%n", endpoints, concurrency, seconds);
            System.out.printf("delivery: herald %.0f deliveries/s vs bare JDK HttpClient (%s) %.0f–%.0f POSTs/s -> ratio %.2f–%.2f "
                    + "(target >= 0.5)%n", herald, bestName, Math.min(best, rawAgain), Math.max(best, rawAgain),
                    herald / Math.max(best, rawAgain), herald / Math.min(best, rawAgain));
        }
    }

    private static String clientName(int threads) {
        return threads == 0 ? "default executor" : threads + "-thread executor";
    }

    /** Plain POSTs, {@code concurrency} in flight, round-robin over the receivers; returns POSTs answered per second. */
    static double raw(List<URI> uris, byte[] body, int concurrency, int threads, int seconds) throws Exception {
        ExecutorService executor = threads == 0 ? null : Executors.newFixedThreadPool(threads, daemon("raw-http"));
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5));
        HttpClient client = (executor == null ? builder : builder.executor(executor)).build();
        Semaphore slots = new Semaphore(concurrency);
        LongAdder answered = new LongAdder();
        long warmUpEnds = System.nanoTime() + TimeUnit.SECONDS.toNanos(WARM_UP_SECONDS);
        long ends = warmUpEnds + TimeUnit.SECONDS.toNanos(seconds);
        long counted = -1;
        int next = 0;
        while (System.nanoTime() < ends) {
            if (counted < 0 && System.nanoTime() >= warmUpEnds) {
                counted = answered.sum();
            }
            if (!slots.tryAcquire(10, TimeUnit.MILLISECONDS)) {
                continue;
            }
            URI uri = uris.get(next++ % uris.size());
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/cloudevents+json")
                    .header("webhook-id", "msg_1").header("webhook-timestamp", "1700000000")
                    .header("webhook-signature", "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
                if (failure == null) {
                    answered.increment();
                }
                slots.release();
            });
        }
        double rate = (answered.sum() - counted) / (double) seconds;
        slots.acquire(concurrency);
        if (executor != null) {
            executor.shutdownNow();
        }
        System.out.printf("raw: JDK HttpClient, %-18s %8.0f POSTs/s%n", clientName(threads), rate);
        return rate;
    }

    /** Drains the backlog through the worker; returns deliveries recorded as delivered per second after the warm-up. */
    private static double herald(DeliveryFixture fixture, DispatcherProperties properties, int seconds, int backlog)
            throws InterruptedException {
        DeliveryWorker worker = fixture.worker(properties);
        worker.start();
        Thread.sleep(TimeUnit.SECONDS.toMillis(WARM_UP_SECONDS));
        double before = delivered(fixture);
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        double after = delivered(fixture);
        worker.stop();
        if (after >= backlog) {
            System.out.println("warning: the backlog ran out within the window; the rate is a lower bound");
        }
        double rate = (after - before) / seconds;
        System.out.printf("herald: dispatcher                     %8.0f deliveries/s (%.0f put back for a busy endpoint)%n", rate,
                counter(fixture, "herald.delivery.postponed"));
        return rate;
    }

    private static double delivered(DeliveryFixture fixture) {
        var counter = fixture.meters.find("herald.delivery.attempts").tag("outcome", "delivered").counter();
        return counter == null ? 0 : counter.count();
    }

    static double counter(DeliveryFixture fixture, String name) {
        var counter = fixture.meters.find(name).counter();
        return counter == null ? 0 : counter.count();
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
