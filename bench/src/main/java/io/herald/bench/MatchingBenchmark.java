package io.herald.bench;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import io.herald.store.EventKey;
import io.herald.store.EventPosition;
import io.herald.store.StoredEvent;
import io.herald.subscriptions.Subscription;
import io.herald.subscriptions.SubscriptionFilter;
import io.herald.subscriptions.SubscriptionId;
import io.herald.subscriptions.SubscriptionIndex;

/**
 * Matching cost per event at 1 k, 100 k and 1 M subscriptions, spread over many resources (20
 * subscriptions per resource on average): most follow one party (subject filter), the rest filter
 * by type. Bounded in time; in memory only.
 *
 * <p>Run: {@code bench/run-matching.sh}.
 */
public final class MatchingBenchmark {

    private static final String[] TYPES = {"app.instance.created", "app.instance.process.movedTo.Task_1",
            "app.instance.process.completed"};
    private static final int EVENTS = 200_000;

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        List<String> lines = new ArrayList<>();
        warmUp();
        double first = 0;
        for (int subscriptions : new int[] {1_000, 100_000, 1_000_000}) {
            int resources = Math.max(1, subscriptions / 20);
            SubscriptionIndex index = build(subscriptions, resources);
            Map<String, Object> baseline = baseline(index, subscriptions);
            List<StoredEvent> events = events(resources);
            List<String> baselineKeys = baselineKeys(subscriptions);
            long matches = 0;
            double best = Double.MAX_VALUE;
            double bestBaseline = Double.MAX_VALUE;
            long found = 0;
            for (int round = 0; round < rounds; round++) {
                long start = System.nanoTime();
                for (StoredEvent event : events) {
                    matches += index.match(event, Set.of()).size();
                }
                best = Math.min(best, (System.nanoTime() - start) / (double) events.size());
                start = System.nanoTime();
                for (String key : baselineKeys) {
                    found += baseline.get(key) != null ? 1 : 0;
                }
                bestBaseline = Math.min(bestBaseline, (System.nanoTime() - start) / (double) events.size());
            }
            double ratio = best / bestBaseline;
            if (first == 0) {
                first = ratio;
            }
            lines.add(String.format("%,10d subscriptions over %,7d resources: %5.0f ns per event, raw baseline %4.0f ns "
                    + "(one HashMap hit among %,d keys) -> %.2fx the baseline, %.2fx the 1 k ratio; %.2f matches per event "
                    + "(best of %d rounds of %,d events; %d baseline hits)", subscriptions, resources, best, bestBaseline,
                    subscriptions, ratio, ratio / first, matches / (double) (rounds * events.size()), rounds, events.size(), found));
        }
        lines.forEach(System.out::println);
    }

    /** Compiles the matching code before anything is measured, so the first (1 k) figure is not the interpreter's. */
    private static void warmUp() {
        SubscriptionIndex index = build(10_000, 500);
        List<StoredEvent> events = events(500);
        long matches = 0;
        for (int round = 0; round < 10; round++) {
            for (StoredEvent event : events) {
                matches += index.match(event, Set.of()).size();
            }
        }
        System.out.printf("warmed up (%,d matches)%n", matches);
    }

    /**
     * The raw baseline in the same run: a HashMap with one entry per subscription, looked up once per
     * event by a random key it holds (a fresh String, as an event's attribute is) — what a single
     * random look-up into a structure of that size costs on this machine, caches included.
     */
    private static Map<String, Object> baseline(SubscriptionIndex index, int subscriptions) {
        Map<String, Object> map = new HashMap<>();
        for (int i = 0; i < subscriptions; i++) {
            map.put("s" + i, index);
        }
        return map;
    }

    private static List<String> baselineKeys(int subscriptions) {
        SplittableRandom random = new SplittableRandom(11);
        List<String> keys = new ArrayList<>(EVENTS);
        for (int i = 0; i < EVENTS; i++) {
            keys.add(new String("s" + random.nextInt(subscriptions)));
        }
        return keys;
    }

    private static SubscriptionIndex build(int count, int resources) {
        SplittableRandom random = new SplittableRandom(42);
        SubscriptionIndex index = new SubscriptionIndex();
        URI endpoint = URI.create("https://hooks.example/herald");
        for (int i = 1; i <= count; i++) {
            String resource = "urn:altinn:resource:app_org_app" + random.nextInt(resources);
            SubscriptionFilter filter = random.nextInt(10) < 8
                    ? new SubscriptionFilter(resource, null, "/party/" + random.nextInt(1_000_000), null, null, false)
                    : new SubscriptionFilter(resource, null, null, null, TYPES[random.nextInt(TYPES.length)], false);
            index.put(new Subscription(new SubscriptionId(i), "/org/ttd", "bench", endpoint, filter, false,
                    Instant.EPOCH, Instant.EPOCH, 0L, i, Subscription.Handshake.NONE, false, null));
        }
        return index;
    }

    private static List<StoredEvent> events(int resources) {
        SplittableRandom random = new SplittableRandom(7);
        List<StoredEvent> events = new ArrayList<>(EVENTS);
        for (int i = 0; i < EVENTS; i++) {
            events.add(new StoredEvent(new EventPosition(1, i), Instant.EPOCH,
                    new EventKey("https://org.apps.example/org/app/instances/1/x", "e" + i), TYPES[random.nextInt(TYPES.length)],
                    "urn:altinn:resource:app_org_app" + random.nextInt(resources), "/party/" + random.nextInt(1_000_000),
                    null, null, Instant.EPOCH, "{}"));
        }
        return events;
    }
}
