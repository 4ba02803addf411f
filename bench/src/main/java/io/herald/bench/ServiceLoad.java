package io.herald.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The load process of {@code bench/run-service.sh} for what wrk cannot measure: publish-to-receipt
 * latency through the running service. It starts webhook receivers on 127.0.0.1, measures a bare JDK
 * {@link HttpClient} POSTing to them (the baseline), subscribes them to Herald over its API, publishes
 * over HTTP and times each delivery from the moment its publish was sent to the moment a receiver
 * got it. Herald's CPU comes from {@code /proc/<pid>/stat}. Every figure is printed as one
 * {@code RESULT key=value ...} line for the script.
 *
 * <p>Usage: {@code ServiceLoad <herald-url> <token> <herald-pid> burst <subscriptions> <events> <resource>} or
 * {@code ... steady <events/s> <seconds> <resource>}.
 */
public final class ServiceLoad {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int RECEIVERS = 8;
    private static final int PUBLISHERS = 8;
    /** The most publishes the steady scenario has open at once. */
    private static final int STEADY_IN_FLIGHT = 64;

    private final URI herald;
    private final String token;
    private final long pid;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newFixedThreadPool(2)).connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Receipt> receipts = new ConcurrentLinkedQueue<>();
    private final AtomicLong firstReceipt = new AtomicLong();
    private final LongAdder received = new LongAdder();

    private ServiceLoad(URI herald, String token, long pid) {
        this.herald = herald;
        this.token = token;
        this.pid = pid;
    }

    public static void main(String[] args) throws Exception {
        ServiceLoad load = new ServiceLoad(URI.create(args[0]), args[1], Long.parseLong(args[2]));
        try (WebhookSinks sinks = new WebhookSinks()) {
            List<URI> receivers = new ArrayList<>();
            for (int i = 0; i < RECEIVERS; i++) {
                receivers.add(sinks.fast(load::received).uri);
            }
            switch (args[3]) {
                case "burst" -> load.burst(receivers, Integer.parseInt(args[4]), Integer.parseInt(args[5]), args[6]);
                case "steady" -> load.steady(receivers, Integer.parseInt(args[4]), Integer.parseInt(args[5]), args[6]);
                default -> throw new IllegalArgumentException("burst or steady, not " + args[3]);
            }
        }
        System.exit(0);
    }

    /** {@code events} published 8 in flight as fast as Herald answers, to {@code subscriptions} subscriptions spread over the receivers. */
    private void burst(List<URI> receivers, int subscriptions, int events, String resource) throws Exception {
        double bare = bareClient(receivers, 10);
        subscribe(receivers, subscriptions, resource);
        // the subscriptions' validation requests reached the receivers too: the burst's deliveries count from its first
        // (counted from the first validation request, a burst to 1,000 subscriptions took in seconds of validating)
        received.reset();
        receipts.clear();
        firstReceipt.set(0);
        long expected = (long) subscriptions * events;
        long cpuBefore = cpuTicks();
        long start = System.nanoTime();
        Semaphore inFlight = new Semaphore(PUBLISHERS);
        for (int i = 0; i < events; i++) {
            inFlight.acquire();
            publish(resource).whenComplete((ok, failure) -> inFlight.release());
        }
        inFlight.acquire(PUBLISHERS);
        double publishSeconds = (System.nanoTime() - start) / 1e9;
        awaitDeliveries(expected, Duration.ofSeconds(300));
        long end = System.nanoTime();
        long cpu = cpuTicks() - cpuBefore;
        long[] latencies = latencies();
        long last = receipts.stream().mapToLong(Receipt::nanos).max().orElse(end);
        double deliverySeconds = (last - firstReceipt.get()) / 1e9;
        System.out.printf("RESULT scenario=burst subscriptions=%d events=%d expected=%d received=%d publish_per_s=%.0f deliveries_per_s=%.0f "
                        + "bare_client_per_s=%.0f p50_ms=%.1f p99_ms=%.1f max_ms=%.1f cpu_ms_per_event=%.3f cpu_ms_per_delivery=%.3f wall_s=%.1f%n",
                subscriptions, events, expected, received.sum(), events / publishSeconds, received.sum() / deliverySeconds, bare,
                percentile(latencies, 50), percentile(latencies, 99), percentile(latencies, 100),
                cpu * 10.0 / events, cpu * 10.0 / Math.max(1, received.sum()), (end - start) / 1e9);
    }

    /**
     * {@code rate} events a second for {@code seconds}, each to one subscription, on a fixed schedule with
     * at most {@link #STEADY_IN_FLIGHT} publishes open at once ({@link SchedulePublisher}): when Herald falls behind, the schedule slips
     * (seen in the publish latency, taken from each publish's planned time, and in the rate achieved) rather
     * than the load process opening ever more connections until its own requests time out.
     */
    private void steady(List<URI> receivers, int rate, int seconds, String resource) throws Exception {
        subscribe(receivers.subList(0, 1), 1, resource);
        received.reset();
        receipts.clear();
        long total = (long) rate * seconds;
        LongAdder failed = new LongAdder();
        Map<String, LongAdder> failures = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<Long> publishMicros = new ConcurrentLinkedQueue<>();
        long cpuBefore = cpuTicks();
        long start = System.nanoTime();
        long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        long deadline = start + TimeUnit.SECONDS.toNanos(seconds + 60L);
        long sent = new SchedulePublisher(herald, token).run(total, interval, STEADY_IN_FLIGHT, deadline,
                id -> event(id, resource), new SchedulePublisher.Outcome() {
                    @Override
                    public void sent(String id) {
                        sentAt.put(id, System.nanoTime());
                    }

                    @Override
                    public void answered(int status, String failure, long microsFromPlanned) {
                        publishMicros.add(microsFromPlanned);
                        if (status != 200) {
                            failed.increment();
                            failures.computeIfAbsent(failure != null ? failure : "HTTP " + status, reason -> new LongAdder()).increment();
                        }
                    }
                });
        double publishSeconds = (System.nanoTime() - start) / 1e9;
        awaitDeliveries(sent - failed.sum(), Duration.ofSeconds(60));
        long cpu = cpuTicks() - cpuBefore;
        long[] latencies = latencies();
        long[] publishes = publishMicros.stream().mapToLong(Long::longValue).sorted().toArray();
        failures.forEach((reason, count) -> System.err.printf("steady: %d publishes failed: %s%n", count.sum(), reason));
        System.out.printf("RESULT scenario=steady rate=%d seconds=%d sent=%d achieved_per_s=%.0f failed=%d received=%d p50_ms=%.1f "
                        + "p99_ms=%.1f max_ms=%.1f publish_p50_ms=%.1f publish_p99_ms=%.1f cpu_ms_per_event=%.3f%n",
                rate, seconds, sent, sent / publishSeconds, failed.sum(), received.sum(), percentile(latencies, 50),
                percentile(latencies, 99), percentile(latencies, 100), percentile(publishes, 50), percentile(publishes, 99),
                cpu * 10.0 / Math.max(1, sent));
    }

    /** The baseline: the same JDK client POSTing an event-sized body to the same receivers, 64 in flight (8 per receiver, as the dispatcher). */
    private double bareClient(List<URI> receivers, int seconds) throws Exception {
        byte[] body = event("bare-" + UUID.randomUUID(), "urn:altinn:resource:bare").getBytes(StandardCharsets.UTF_8);
        int concurrency = receivers.size() * 8;
        Semaphore inFlight = new Semaphore(concurrency);
        LongAdder done = new LongAdder();
        long warmUpEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long end = warmUpEnd + TimeUnit.SECONDS.toNanos(seconds);
        long measuredFrom = 0;
        long countedFrom = 0;
        int next = 0;
        while (System.nanoTime() < end) {
            if (measuredFrom == 0 && System.nanoTime() >= warmUpEnd) {
                measuredFrom = System.nanoTime();
                countedFrom = done.sum();
            }
            inFlight.acquire();
            HttpRequest request = HttpRequest.newBuilder(receivers.get(next++ % receivers.size()))
                    .header("Content-Type", "application/cloudevents+json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, f) -> {
                done.increment();
                inFlight.release();
            });
        }
        inFlight.acquire(concurrency);
        return (done.sum() - countedFrom) / ((System.nanoTime() - measuredFrom) / 1e9);
    }

    private void subscribe(List<URI> receivers, int count, String resource) throws Exception {
        List<Long> ids = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<java.util.concurrent.Future<Long>> created = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            URI endpoint = URI.create(receivers.get(i % receivers.size()) + "?s=" + i);
            created.add(pool.submit(() -> {
                String body = JSON.writeValueAsString(Map.of("endPoint", endpoint.toString(), "resourceFilter", resource));
                HttpResponse<String> response = client.send(authorized("/events/api/v1/subscriptions")
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 201) {
                    throw new IllegalStateException("subscribing answered " + response.statusCode() + ": " + response.body());
                }
                return JSON.readTree(response.body()).get("id").asLong();
            }));
        }
        for (var future : created) {
            ids.add(future.get());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        for (long id : ids) {
            while (true) {
                JsonNode subscription = JSON.readTree(client.send(authorized("/events/api/v1/subscriptions/" + id).GET().build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                if (subscription.path("validated").asBoolean()) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("subscription " + id + " was not validated in 120 s: " + subscription);
                }
                Thread.sleep(50);
            }
        }
        pool.shutdown();
        System.out.printf("subscribed %d subscriptions to %s%n", count, resource);
    }

    /** Publishes one event; completes with the status Herald answered. */
    private java.util.concurrent.CompletableFuture<Integer> publish(String resource) {
        String id = UUID.randomUUID().toString();
        HttpRequest request = authorized("/events/api/v1/events").header("Content-Type", "application/cloudevents+json")
                .POST(HttpRequest.BodyPublishers.ofString(event(id, resource))).build();
        sentAt.put(id, System.nanoTime());
        return client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).thenApply(HttpResponse::statusCode);
    }

    private void received(byte[] body) {
        long now = System.nanoTime();
        String id = WebhookSinks.eventId(body);
        if (id == null || id.startsWith("bare-")) {
            return;
        }
        firstReceipt.compareAndSet(0, now);
        received.increment();
        receipts.add(new Receipt(id, now));
    }

    private record Receipt(String id, long nanos) {
    }

    private void awaitDeliveries(long expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (received.sum() < expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /** Publish-to-receipt per delivery, in microseconds: from the publish request being sent to a receiver getting the event. */
    private long[] latencies() {
        List<Receipt> all = new ArrayList<>(receipts);
        long[] result = new long[all.size()];
        int n = 0;
        for (Receipt receipt : all) {
            Long sent = sentAt.get(receipt.id());
            if (sent != null) {
                result[n++] = (receipt.nanos() - sent) / 1000;
            }
        }
        long[] known = Arrays.copyOf(result, n);
        Arrays.sort(known);
        return known;
    }

    private static double percentile(long[] sortedMicros, int p) {
        if (sortedMicros.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sortedMicros.length) - 1;
        return sortedMicros[Math.max(0, Math.min(sortedMicros.length - 1, index))] / 1000.0;
    }

    private HttpRequest.Builder authorized(String path) {
        return HttpRequest.newBuilder(herald.resolve(path)).timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token);
    }

    /** Herald's CPU so far, in clock ticks (1/100 s): user + system time from /proc/<pid>/stat. */
    private long cpuTicks() {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (Exception e) {
            return 0;
        }
    }

    static String event(String id, String resource) {
        String guid = UUID.randomUUID().toString();
        int party = 50_000_000 + (id.hashCode() & 0xffff);
        return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"https://ttd.apps.altinn.no/ttd/bench/instances/" + party + "/" + guid
                + "\",\"type\":\"app.instance.process.movedTo.Task_2\",\"subject\":\"/party/" + party
                + "\",\"alternativesubject\":\"/person/12247918309\",\"resource\":\"" + resource + "\",\"resourceinstance\":\"" + party + "/" + guid
                + "\",\"time\":\"2026-12-06T04:00:00.000Z\",\"datacontenttype\":\"application/json\",\"data\":{\"instanceOwner\":{\"partyId\":\""
                + party + "\",\"personNumber\":\"12247918309\"},\"process\":{\"currentTask\":\"Task_2\",\"startEvent\":\"StartEvent_1\","
                + "\"started\":\"2026-12-06T03:59:58.123Z\",\"elementType\":\"Task\",\"flowType\":\"CompleteCurrentMoveToNext\",\"name\":\"Utfylling\","
                + "\"altinnTaskType\":\"data\"},\"dataValues\":{\"amount\":1234.50,\"ratio\":0.10000000000000000000000000001,\"count\":1E2,"
                + "\"zero\":-0},\"note\":\"a typical app event with a nested payload\"}}";
    }
}
