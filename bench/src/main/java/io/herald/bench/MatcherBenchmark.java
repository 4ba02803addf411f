package io.herald.bench;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import io.herald.store.IncomingEvent;

/**
 * The matcher's cost per event (scaling.md A9): a log of {@code events} events over {@code resources}
 * resources and 50 parties each, validated subscriptions that match 2 per event on average
 * (scaling.md A6: per resource 0, 1 or 2 resource-wide ones, and one per party for the resource),
 * then one real {@code ChangeFeedMatcher} holding all 16 log ranges matches the whole log from its
 * start. Timed from its start until every range's checkpoint has reached the log head and every
 * delivery row is written, after a warm-up log of {@code warm-up} events matched the same way by a
 * first matcher (so the measured one runs compiled code); the figures are events/s, deliveries/s and CPU per event — this JVM's
 * own process CPU (the Herald side: matcher, catalog, JDBC driver, GC) and the whole machine's
 * (PostgreSQL included). Raw baseline in the same run: the same delivery rows written by one
 * {@code INSERT … SELECT} joining events to subscriptions inside PostgreSQL, no Herald code.
 * Bounded; creates and drops {@code bench_matcher}.
 *
 * <p>Run: {@code bench/run-delivery.sh matcher [events=100000] [resources=48] [warm-up=100000]}.
 */
public final class MatcherBenchmark {

    private static final int PARTIES = 50;
    private static final String RESOURCE = "urn:altinn:resource:bench_matcher_";

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int resources = args.length > 1 ? Integer.parseInt(args[1]) : 48;
        int warmUp = args.length > 2 ? Integer.parseInt(args[2]) : 100_000;
        try (DeliveryFixture fixture = new DeliveryFixture("bench_matcher", 8, appended -> { })) {
            // subscriptions first: a subscription's events are those stored after its validation
            URI endpoint = URI.create("http://127.0.0.1:9/never-called");
            int subscriptions = 0;
            for (int r = 0; r < resources; r++) {
                for (int w = 0; w < wide(r); w++, subscriptions++) {
                    fixture.subscribe(endpoint, RESOURCE + r);
                }
                for (int p = 0; p < PARTIES; p++, subscriptions++) {
                    fixture.subscribe(endpoint, RESOURCE + r, party(p));
                }
            }
            Random random = new Random(42);
            // warm-up: a first log matched by a first matcher, so that the measured one runs compiled code
            long warmUpExpected = append(fixture, warmUp, resources, random);
            System.out.printf("warm-up: %d events, %d matches: %s%n", warmUp, warmUpExpected,
                    match(fixture, "bench-matcher-warm-up").spent());
            long expected = append(fixture, events, resources, random);
            System.out.printf("%d events over %d resources and %d parties, %d validated subscriptions, %d matches expected "
                    + "(%.2f per event)%n", events, resources, PARTIES, subscriptions, expected, (double) expected / events);
            Matched measured = match(fixture, "bench-matcher");
            CpuClock.Spent herald = measured.spent();
            DeliveryFixture.Matching matching = measured.matching();
            long written = fixture.jdbc.queryForObject("SELECT count(*) FROM delivery", Long.class) - warmUpExpected;
            long distinct = fixture.jdbc.queryForObject(
                    "SELECT count(DISTINCT (subscription_id, event_seq)) FROM delivery", Long.class) - warmUpExpected;

            fixture.jdbc.execute("TRUNCATE delivery CASCADE");
            CpuClock rawClock = CpuClock.start();
            long raw = -warmUpExpected + fixture.jdbc.update("""
                    INSERT INTO delivery (subscription_id, event_tx, event_seq, event_stored_at, next_attempt_at, created_at)
                    SELECT s.id, e.tx, e.seq, e.stored_at, now(), now()
                    FROM event e JOIN subscription s ON s.resource_filter = e.resource
                     AND (s.subject_filter IS NULL OR s.subject_filter = e.subject)
                    WHERE s.validated_at IS NOT NULL
                    ORDER BY e.tx, e.seq
                    """);
            CpuClock.Spent rawSpent = rawClock.spent();

            System.out.printf("%nherald: one ChangeFeedMatcher, %d ranges, batches of %d: %d deliveries written (%d distinct, "
                            + "%d expected: %s)%n", matching.leases().ranges(), fixture.subscriptionsProperties.matcher().batchSize(),
                    written, distinct, expected, written == expected && distinct == expected ? "all there" : "MISMATCH");
            System.out.printf("  %s%n", herald);
            System.out.printf("  %,.0f events/s, %,.0f deliveries/s; CPU per event: this JVM %.4f ms (A9), whole machine %.4f ms; "
                            + "2 cores / rate = %.4f ms%n", events / herald.wallSeconds(), written / herald.wallSeconds(),
                    herald.processMillisPer(events), herald.machineMillisPer(events), 2000 * herald.wallSeconds() / events);
            System.out.printf("raw: one INSERT ... SELECT joining events to subscriptions in PostgreSQL: %d rows (%s)%n", raw,
                    raw == expected ? "as expected" : "MISMATCH");
            System.out.printf("  %s%n", rawSpent);
            long all = events + warmUp;
            System.out.printf("  (over all %d events, warm-up included) %,.0f events/s, %,.0f deliveries/s; whole machine CPU per "
                    + "event %.4f ms%n", all, all / rawSpent.wallSeconds(), (raw + warmUpExpected) / rawSpent.wallSeconds(),
                    rawSpent.machineMillisPer(all));
            System.out.printf("ratio herald / raw: rate %.2f, whole-machine CPU per event %.1f%n",
                    (events / herald.wallSeconds()) / (all / rawSpent.wallSeconds()),
                    herald.machineMillisPer(events) / rawSpent.machineMillisPer(all));
        }
    }

    private record Matched(DeliveryFixture.Matching matching, CpuClock.Spent spent) {
    }

    /** Appends {@code count} events in batches of 100 over the resources and parties; returns the matches expected. */
    private static long append(DeliveryFixture fixture, int count, int resources, Random random) {
        long expected = 0;
        for (int done = 0; done < count; done += 100) {
            List<IncomingEvent> batch = new ArrayList<>();
            for (int i = done; i < Math.min(count, done + 100); i++) {
                int r = random.nextInt(resources);
                batch.add(DeliveryFixture.parse(DeliveryFixture.event(UUID.randomUUID().toString(), RESOURCE + r,
                        party(random.nextInt(PARTIES)))));
                expected += wide(r) + 1;
            }
            fixture.store.append(batch);
        }
        return expected;
    }

    /**
     * Starts a matcher as {@code instance}, waits (up to 3 minutes) until every range's checkpoint has
     * reached the log head, stops it (giving its ranges back) and returns the CPU and time spent.
     */
    private static Matched match(DeliveryFixture fixture, String instance) throws InterruptedException {
        long head = fixture.jdbc.queryForObject("SELECT max(seq) FROM event", Long.class);
        DeliveryFixture.Matching matching = fixture.matcher(instance, created -> { });
        System.gc();
        CpuClock clock = CpuClock.start();
        matching.matcher().start();
        long deadline = System.nanoTime() + 180_000_000_000L;
        while (System.nanoTime() < deadline && fixture.jdbc.queryForObject(
                "SELECT count(*) FILTER (WHERE owner = ?) < ? OR bool_or(checkpoint_seq < ?) FROM matcher_lease", Boolean.class,
                instance, matching.leases().ranges(), head)) {
            Thread.sleep(20);
        }
        CpuClock.Spent spent = clock.spent();
        matching.matcher().stop();
        return new Matched(matching, spent);
    }

    /** Resource-wide subscriptions (the agency's own) on resource {@code r}: 0, 1 or 2, 1 on average. */
    private static int wide(int r) {
        return r % 3;
    }

    private static String party(int p) {
        return "/party/" + (50_000 + p);
    }
}
