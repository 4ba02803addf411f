package io.herald.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.herald.dispatcher.DispatcherProperties;
import io.herald.dispatcher.internal.BenchDispatchers;
import io.herald.dispatcher.internal.DeliveryWorker;

/**
 * Isolation (issue 5, DESIGN "Targets"): 10 local receivers, 2 of which hold every request for
 * 10 s (or {@code stall-seconds}). The same healthy work is run twice, each time on a fresh database {@code bench_isolation}:
 * once WITHOUT deliveries to the stalling two (the baseline) and once WITH them (2 of every 10
 * deliveries). Each run has two phases:
 * <ol>
 *   <li><b>backlog</b>: {@code backlog} deliveries per endpoint, all due at once; the figure is the
 *       healthy endpoints' drain rate (deliveries recorded as delivered per second);</li>
 *   <li><b>steady</b>: new deliveries due at a modest rate (one event to every endpoint per tick)
 *       for {@code steadySeconds}; the figure is the healthy deliveries' time from due to delivered.</li>
 * </ol>
 * Bounded in time; talks only to 127.0.0.1.
 *
 * <p>Run: {@code bench/run-delivery.sh isolation [backlog-per-endpoint] [steady-seconds] [steady-events/s]}.
 */
public final class IsolationBenchmark {

    private static final int HEALTHY = 8;
    private static final int STALLING = 2;
    private static final String RESOURCE = "urn:altinn:resource:bench_isolation";

    record Result(double drainRate, double[] drainMillis, double[] steadyMillis, String notes) {
    }

    public static void main(String[] args) throws Exception {
        int backlog = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int steadySeconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int steadyRate = args.length > 2 ? Integer.parseInt(args[2]) : 25;
        // 10 s (the default response timeout): the stalled requests time out and count as failures; less
        // than the timeout: they succeed slowly and the breaker never opens
        Duration stall = Duration.ofSeconds(args.length > 3 ? Integer.parseInt(args[3]) : 10);
        DispatcherProperties properties = DeliveryFixture.dispatcherProperties();
        System.out.println("dispatcher settings: " + properties);
        try (WebhookSinks sinks = new WebhookSinks()) {
            List<WebhookSinks.Sink> healthy = new ArrayList<>();
            for (int i = 0; i < HEALTHY; i++) {
                healthy.add(sinks.fast(body -> { }));
            }
            List<WebhookSinks.Sink> stalling = new ArrayList<>();
            for (int i = 0; i < STALLING; i++) {
                stalling.add(sinks.stalling(stall));
            }
            // unmeasured, so that the JIT has compiled the hot paths before the first measured run
            run("warm-up (not counted)", healthy, List.of(), properties, backlog, Math.min(steadySeconds, 10), steadyRate);
            Result without = run("WITHOUT stalling endpoints", healthy, List.of(), properties, backlog, steadySeconds, steadyRate);
            Result with = run("WITH 2 stalling endpoints", healthy, stalling, properties, backlog, steadySeconds, steadyRate);
            // once more, so that the baseline brackets the run with stalling endpoints (JIT warm-up, drift)
            Result again = run("WITHOUT stalling endpoints, again", healthy, List.of(), properties, backlog, steadySeconds,
                    steadyRate);

            System.out.printf("%n%d healthy endpoints, %d stalling %d s per request; backlog %d per endpoint; steady %d events/s "
                    + "(%d healthy deliveries/s) for %d s%n", HEALTHY, STALLING, stall.toSeconds(), backlog, steadyRate,
                    steadyRate * HEALTHY, steadySeconds);
            System.out.printf("backlog, healthy drain rate: without %.0f/s and %.0f/s, with %.0f/s -> slowdown %.2f–%.2f "
                    + "(target <= 2)%n", without.drainRate, again.drainRate, with.drainRate,
                    Math.min(without.drainRate, again.drainRate) / with.drainRate,
                    Math.max(without.drainRate, again.drainRate) / with.drainRate);
            System.out.printf("backlog, healthy time from the start to delivered:%n  without %s%n  with    %s%n  again   %s%n",
                    Stats.summary(without.drainMillis), Stats.summary(with.drainMillis), Stats.summary(again.drainMillis));
            System.out.printf("steady, healthy time from due to delivered:%n  without %s%n  with    %s%n  again   %s%n",
                    Stats.summary(without.steadyMillis), Stats.summary(with.steadyMillis), Stats.summary(again.steadyMillis));
            double p99 = Stats.percentile(with.steadyMillis, 99);
            System.out.printf("steady p99 with / without: %.2f–%.2f (target < 2)%n",
                    p99 / Math.max(Stats.percentile(without.steadyMillis, 99), Stats.percentile(again.steadyMillis, 99)),
                    p99 / Math.min(Stats.percentile(without.steadyMillis, 99), Stats.percentile(again.steadyMillis, 99)));
            System.out.println("without: " + without.notes);
            System.out.println("with:    " + with.notes);
            System.out.println("again:   " + again.notes);
        }
    }

    private static Result run(String name, List<WebhookSinks.Sink> healthy, List<WebhookSinks.Sink> stalling,
            DispatcherProperties properties, int backlog, int steadySeconds, int steadyRate) throws Exception {
        System.out.printf("%n== %s%n", name);
        try (DeliveryFixture fixture = new DeliveryFixture("bench_isolation", 16, appended -> { })) {
            List<Long> healthyIds = new ArrayList<>();
            java.util.SortedMap<Integer, List<Double>> slices = new java.util.TreeMap<>();
            List<Long> all = new ArrayList<>();
            for (int i = 0; i < healthy.size() + stalling.size(); i++) {
                // interleaved: one stalling endpoint in every five, so that every claimed batch holds some
                boolean stall = !stalling.isEmpty() && i % 5 == 4;
                var sink = stall ? stalling.get(i / 5) : healthy.get(i - (stalling.isEmpty() ? 0 : i / 5));
                long id = fixture.subscribe(sink.uri, RESOURCE);
                all.add(id);
                if (!stall) {
                    healthyIds.add(id);
                }
            }
            long backlogSeq = fixture.appendEvents(backlog, RESOURCE);
            fixture.deliver(all, 0, backlogSeq);
            List<Long> steadySeqs = new ArrayList<>();
            fixture.appendEvents(steadyRate * steadySeconds, RESOURCE);
            fixture.jdbc.query("SELECT seq FROM event WHERE seq > ? ORDER BY seq", row -> {
                steadySeqs.add(row.getLong(1));
            }, backlogSeq);
            Long[] healthyArray = healthyIds.toArray(Long[]::new);

            DeliveryWorker worker = fixture.worker(properties);
            var started = fixture.jdbc.queryForObject("SELECT clock_timestamp()", java.sql.Timestamp.class);
            worker.start();
            long expected = (long) backlog * healthyIds.size();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (delivered(fixture, healthyArray, 0, backlogSeq) < expected && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            double[] drain = millis(fixture, """
                    SELECT extract(epoch FROM delivered_at - ?) * 1000 FROM delivery
                    WHERE subscription_id = ANY(?::bigint[]) AND event_seq <= ? AND status = 'delivered'
                    """, started, healthyArray, backlogSeq);
            double drainSeconds = Stats.percentile(drain, 100) / 1000;
            double drainRate = drain.length / drainSeconds;
            System.out.printf("backlog: %d of %d healthy deliveries in %.2f s -> %.0f/s%n", drain.length, expected, drainSeconds,
                    drainRate);

            long period = TimeUnit.SECONDS.toNanos(1) / steadyRate;
            long start = System.nanoTime();
            long previous = backlogSeq;
            for (int k = 0; k < steadySeqs.size(); k++) {
                long due = start + k * period;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                fixture.deliver(all, previous, steadySeqs.get(k));
                previous = steadySeqs.get(k);
                worker.wakeUp(); // as the matcher's DeliveriesCreated does
            }
            long steadyExpected = (long) steadySeqs.size() * healthyIds.size();
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (delivered(fixture, healthyArray, backlogSeq, Long.MAX_VALUE) < steadyExpected && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            double[] steady = millis(fixture, """
                    SELECT extract(epoch FROM delivered_at - created_at) * 1000 FROM delivery
                    WHERE subscription_id = ANY(?::bigint[]) AND event_seq > ? AND status = 'delivered'
                    """, healthyArray, backlogSeq);
            System.out.printf("steady: %d of %d healthy deliveries, %s%n", steady.length, steadyExpected, Stats.summary(steady));
            // how the healthy latency moved during the steady phase, in 5-second slices by due time
            fixture.jdbc.query("""
                    SELECT floor(extract(epoch FROM created_at - min(created_at) OVER ()) / 5) AS slice,
                           extract(epoch FROM delivered_at - created_at) * 1000 AS millis
                    FROM delivery WHERE subscription_id = ANY(?::bigint[]) AND event_seq > ? AND status = 'delivered'
                    """, row -> {
                slices.computeIfAbsent(row.getInt(1), k -> new ArrayList<>()).add(row.getDouble(2));
            }, healthyArray, backlogSeq);
            slices.forEach((slice, values) -> System.out.printf("  steady %3d-%3d s: %s%n", slice * 5, slice * 5 + 5,
                    Stats.summary(values.stream().mapToDouble(Double::doubleValue).toArray())));
            for (var sink : stalling) {
                System.out.printf("  stalling endpoint %s: breaker %s, %d requests received%n", sink.uri,
                        BenchDispatchers.breakerState(worker, sink.uri), sink.received.sum());
            }
            String notes = String.format("statuses %s; healthy attempts %d; stalling attempts %d; put back for a busy endpoint %.0f, "
                            + "held by an open breaker %.0f", fixture.statuses(all),
                    attempts(fixture, healthyArray), attempts(fixture, all.stream().filter(id -> !healthyIds.contains(id))
                            .toArray(Long[]::new)), DeliveryThroughputBenchmark.counter(fixture, "herald.delivery.postponed"),
                    DeliveryThroughputBenchmark.counter(fixture, "herald.delivery.held"));
            System.out.println(notes);
            long stopping = System.nanoTime();
            worker.stop();
            System.out.printf("worker stopped in %.1f s%n", (System.nanoTime() - stopping) / 1e9);
            return new Result(drainRate, drain, steady, notes);
        }
    }

    private static long delivered(DeliveryFixture fixture, Long[] subscriptions, long afterSeq, long upToSeq) {
        return fixture.jdbc.queryForObject("SELECT count(*) FROM delivery WHERE subscription_id = ANY(?::bigint[]) "
                + "AND event_seq > ? AND event_seq <= ? AND status = 'delivered'", Long.class, subscriptions, afterSeq, upToSeq);
    }

    private static long attempts(DeliveryFixture fixture, Long[] subscriptions) {
        return fixture.jdbc.queryForObject("SELECT count(*) FROM delivery_attempt a JOIN delivery d ON d.id = a.delivery_id "
                + "WHERE d.subscription_id = ANY(?::bigint[])", Long.class, (Object) subscriptions);
    }

    private static double[] millis(DeliveryFixture fixture, String sql, Object... parameters) {
        return fixture.jdbc.queryForList(sql, Double.class, parameters).stream().mapToDouble(Double::doubleValue).toArray();
    }
}
