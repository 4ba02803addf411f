package io.herald.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;


import io.herald.dispatcher.internal.DeliveryWorker;
import io.herald.store.IncomingEvent;
import io.herald.subscriptions.internal.ChangeFeedMatcher;

/**
 * End to end: an event appended through {@code EventStore.append} (durable when it returns) is
 * matched by the change-feed matcher, delivered by the dispatcher and received by a local webhook
 * receiver. Events are published open-loop at a fixed rate by 16 publisher threads; each event
 * matches exactly one of 8 subscriptions (one per receiver). The figure is the time from the
 * append returning to the receiver reading the request, p50/p99, next to a raw baseline in the same
 * run at the same rate: a one-row autocommit INSERT and then a plain POST of the event to the same
 * receivers. Bounded in time; creates and drops the database {@code bench_e2e}.
 *
 * <p>Run: {@code bench/run-delivery.sh e2e [rates=200,1000] [seconds=20]}.
 */
public final class EndToEndBenchmark {

    private static final int ENDPOINTS = 8;
    private static final int PUBLISHERS = 16;
    private static final int WARM_UP_SECONDS = 5;
    private static final String RESOURCE = "urn:altinn:resource:bench_e2e_";

    /** What one timed operation does with the event numbered {@code k}; returns when its own part is done. */
    private interface Operation {
        void run(int k) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int[] rates = Arrays.stream((args.length > 0 ? args[0] : "200,1000").split(",")).mapToInt(Integer::parseInt).toArray();
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int capacity = Arrays.stream(rates).sum() * (seconds + WARM_UP_SECONDS) + 1;
        AtomicLongArray received = new AtomicLongArray(capacity);
        AtomicReference<ChangeFeedMatcher> matcher = new AtomicReference<>();
        List<String> lines = new ArrayList<>();
        try (WebhookSinks sinks = new WebhookSinks();
             DeliveryFixture fixture = new DeliveryFixture("bench_e2e", PUBLISHERS + 8, appended -> {
                 ChangeFeedMatcher m = matcher.get();
                 if (m != null) {
                     m.wakeUp(); // as the application's EventsAppended listener does
                 }
             })) {
            List<URI> uris = new ArrayList<>();
            for (int i = 0; i < ENDPOINTS; i++) {
                uris.add(sinks.fast(body -> {
                    long now = System.nanoTime();
                    String id = WebhookSinks.eventId(body);
                    if (id != null && id.startsWith("e2e-")) {
                        received.compareAndSet(Integer.parseInt(id.substring(4)), 0, now);
                    }
                }).uri);
                fixture.subscribe(uris.get(i), RESOURCE + i);
            }
            try (Connection c = fixture.database.dataSource.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE raw_baseline (id bigserial PRIMARY KEY, source text, event_id text, body text)");
            }
            DeliveryWorker worker = fixture.worker(DeliveryFixture.dispatcherProperties());
            DeliveryFixture.Matching matching = fixture.matcher("bench-e2e", created -> worker.wakeUp());
            matcher.set(matching.matcher());
            worker.start();
            matcher.get().start();
            int held = matching.awaitAllRanges();
            System.out.printf("matcher holds %d of %d log ranges%n", held, matching.leases().ranges());
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .followRedirects(HttpClient.Redirect.NEVER).executor(Executors.newFixedThreadPool(2, DeliveryThroughputBenchmark
                            .daemon("raw-http"))).build();

            int base = 0;
            for (int rate : rates) {
                // raw: commit one row, then POST the event: the least any durable push can take
                double[] raw = run("raw: one-row commit + POST", rate, seconds, k -> {
                    String body = DeliveryFixture.event("raw-" + k, RESOURCE + (k % ENDPOINTS), "/party/50001").toString();
                    try (Connection c = fixture.database.dataSource.getConnection(); PreparedStatement insert = c.prepareStatement(
                            "INSERT INTO raw_baseline (source, event_id, body) VALUES (?, ?, ?)")) {
                        insert.setString(1, "https://bench");
                        insert.setString(2, "raw-" + k);
                        insert.setString(3, body);
                        insert.executeUpdate();
                    }
                    client.send(HttpRequest.newBuilder(uris.get(k % ENDPOINTS)).header("Content-Type", "application/cloudevents+json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
                });
                // herald: append returns (durable); the matcher, the dispatcher and the receiver do the rest
                int first = base;
                long[] answered = new long[capacity];
                run("herald: append -> webhook", rate, seconds, k -> {
                    IncomingEvent event = DeliveryFixture.parse(
                            DeliveryFixture.event("e2e-" + (first + k), RESOURCE + (k % ENDPOINTS), "/party/50001"));
                    fixture.store.append(List.of(event));
                    answered[first + k] = System.nanoTime();
                });
                int total = rate * (seconds + WARM_UP_SECONDS);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (countReceived(received, first, total) < total && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                int measuredFrom = first + rate * WARM_UP_SECONDS;
                List<Double> latencies = new ArrayList<>();
                int lost = 0;
                for (int k = measuredFrom; k < first + total; k++) {
                    if (received.get(k) == 0 || answered[k] == 0) {
                        lost++;
                    } else {
                        latencies.add((received.get(k) - answered[k]) / 1e6);
                    }
                }
                double[] herald = latencies.stream().mapToDouble(Double::doubleValue).toArray();
                String line = String.format("%5d events/s: herald append-answered -> webhook %s, %d not received in time; "
                                + "raw commit + POST %s; p50 ratio %.1f, p99 ratio %.1f (DESIGN: p50 < 50 ms, p99 < 250 ms at 1 k/s)",
                        rate, Stats.summary(herald), lost, Stats.summary(raw), Stats.percentile(herald, 50) / Stats.percentile(raw, 50),
                        Stats.percentile(herald, 99) / Stats.percentile(raw, 99));
                System.out.println(line);
                lines.add(line);
                String stages = stages(fixture, measuredFrom, first + total);
                System.out.println(stages);
                lines.add(stages);
                base = first + total;
            }
            matcher.get().stop();
            worker.stop();
        }
        System.out.printf("%nend to end, %d receivers, %d publishers, %d s measured after %d s warm-up per rate%n", ENDPOINTS,
                PUBLISHERS, seconds, WARM_UP_SECONDS);
        lines.forEach(System.out::println);
    }

    /** Where the time went, from the database's own clock: stored → delivery written (matcher) → recorded delivered (dispatcher). */
    private static String stages(DeliveryFixture fixture, int from, int to) {
        String sql = """
                SELECT percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM d.created_at - e.stored_at)),
                       percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM d.delivered_at - d.created_at))
                FROM event e JOIN delivery d ON d.event_tx = e.tx AND d.event_seq = e.seq
                WHERE e.id LIKE 'e2e-%' AND substring(e.id from 5)::int >= ? AND substring(e.id from 5)::int < ?
                """;
        return fixture.jdbc.queryForObject(sql, (row, n) -> {
            Double[] matched = (Double[]) row.getArray(1).getArray();
            Double[] dispatched = (Double[]) row.getArray(2).getArray();
            return String.format("      stages: stored -> delivery written (matcher) p50 %.1f ms, p99 %.1f ms; "
                            + "delivery written -> recorded delivered (dispatcher) p50 %.1f ms, p99 %.1f ms; "
                            + "%.0f put back for a busy endpoint so far",
                    matched[0] * 1000, matched[1] * 1000, dispatched[0] * 1000, dispatched[1] * 1000,
                    DeliveryThroughputBenchmark.counter(fixture, "herald.delivery.postponed"));
        }, from, to);
    }

    private static int countReceived(AtomicLongArray received, int from, int count) {
        int n = 0;
        for (int k = from; k < from + count; k++) {
            n += received.get(k) == 0 ? 0 : 1;
        }
        return n;
    }

    /**
     * Runs {@code operation} for event numbers 0, 1, … at {@code rate} per second, open loop (each at its
     * scheduled time whether or not the ones before have finished), for the warm-up and then
     * {@code seconds}; returns each measured operation's own duration in milliseconds.
     */
    private static double[] run(String name, int rate, int seconds, Operation operation)
            throws Exception {
        int total = rate * (WARM_UP_SECONDS + seconds);
        double[] millis = new double[total];
        ExecutorService publishers = Executors.newFixedThreadPool(PUBLISHERS, DeliveryThroughputBenchmark.daemon("publisher"));
        long period = TimeUnit.SECONDS.toNanos(1) / rate;
        long start = System.nanoTime();
        for (int k = 0; k < total; k++) {
            long due = start + k * period;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            int number = k;
            publishers.execute(() -> {
                long begun = System.nanoTime();
                try {
                    operation.run(number);
                    millis[number] = (System.nanoTime() - begun) / 1e6;
                } catch (Exception e) {
                    millis[number] = Double.NaN;
                }
            });
        }
        publishers.shutdown();
        publishers.awaitTermination(60, TimeUnit.SECONDS);
        double[] measured = Arrays.stream(millis, rate * WARM_UP_SECONDS, total).filter(v -> !Double.isNaN(v)).toArray();
        System.out.printf("%-30s %5d/s: %s%n", name, rate, Stats.summary(measured));
        return measured;
    }
}
