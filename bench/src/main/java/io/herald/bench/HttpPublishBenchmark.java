package io.herald.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

import io.herald.store.EventStore;

import tools.jackson.databind.json.JsonMapper;

/**
 * The HTTP layer's CPU per publish (scaling.md A8): Herald itself (profile {@code local}, on a free
 * port of 127.0.0.1, its own database {@code bench_http}) runs in this JVM; {@code clients} threads
 * publish single events for {@code seconds} over HTTP ({@code POST /events/api/v1/events} with a
 * token from {@code POST /local/token}, JDK {@code HttpClient}), then for as long through the
 * application's own {@code EventStore} bean (parse and append, as PublishBenchmark does), with the
 * same concurrency. Client-only baseline in the same run: the same client, body and headers POSTed
 * to a trivial JDK {@code HttpServer} in this JVM that answers at once — what the client (and a
 * minimal server) cost per request. The matcher is off (no subscriptions; it would match the
 * events of one phase during the next); the rate limiter stays on with a limit far above the rate.
 * A8 = CPU per HTTP publish − CPU per direct append − CPU per baseline request, all of this JVM.
 * Each phase is measured after a warm-up of its own. Bounded; creates and drops {@code bench_http}.
 *
 * <p>Run: {@code bench/run-delivery.sh http [seconds=15] [clients=8] [warm-up-seconds=30]}.
 */
public final class HttpPublishBenchmark {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private interface Operation {
        void run() throws Exception;
    }

    private record Phase(String name, long operations, long errors, CpuClock.Spent spent) {

        double rate() {
            return operations / spent.wallSeconds();
        }

        double jvmMillis() {
            return spent.processMillisPer(operations);
        }

        @Override
        public String toString() {
            return String.format("%-34s %,9.0f /s (%d errors); CPU per operation: this JVM %.4f ms, whole machine %.4f ms; %s",
                    name, rate(), errors, jvmMillis(), spent.machineMillisPer(operations), spent);
        }
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int warmUp = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        try (BenchDatabase database = BenchDatabase.create("bench_http", 2);
             WebhookSinks sinks = new WebhookSinks()) {
            SpringApplication application = new SpringApplication(
                    // by name: the api module's jar is repackaged by Spring Boot, so it is on the class path as
                    // api/target/classes (bench/classpath.sh), not known to the compiler
                    Class.forName("io.herald.api.HeraldApplication"));
            application.setAdditionalProfiles("local");
            application.setDefaultProperties(Map.of(
                    "server.port", "0",
                    "herald.local-database.enabled", "false",
                    "spring.datasource.url", BenchDatabase.SERVER + "bench_http",
                    "spring.datasource.username", "postgres",
                    "herald.subscriptions.matcher.enabled", "false",
                    "herald.rate-limit.limit-for-period", "100000000",
                    "logging.level.root", "WARN"));
            try (ConfigurableApplicationContext herald = application.run()) {
                URI base = URI.create("http://127.0.0.1:" + herald.getEnvironment().getProperty("local.server.port"));
                EventStore store = herald.getBean(EventStore.class);
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .followRedirects(HttpClient.Redirect.NEVER).build();
                HttpResponse<String> token = client.send(HttpRequest.newBuilder(base.resolve("/local/token"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"scopes\":[\"altinn:events.publish\"],\"org\":\"ttd\"}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                String bearer = "Bearer " + JSON.readTree(token.body()).get("access_token").asString();
                URI publish = base.resolve("/events/api/v1/events");
                URI trivial = sinks.fast(body -> { }).uri;

                Operation overHttp = () -> post(client, publish, bearer, true);
                Operation direct = () -> store.append(List.of(DeliveryFixture.parse(
                        DeliveryFixture.event(UUID.randomUUID().toString(), resource(), subject()))));
                Operation baseline = () -> post(client, trivial, bearer, false);
                // warm-up: every path compiled before anything is measured
                // (the HTTP path needs tens of thousands of requests before the JIT compiler is done with it)
                System.out.println(run("warm-up: HTTP publish", clients, warmUp, overHttp));
                System.out.println(run("warm-up: EventStore.append", clients, warmUp / 3, direct));
                System.out.println(run("warm-up: client -> trivial server", clients, warmUp / 3, baseline));

                System.out.printf("load before: %s%n", loadAverage());
                Phase http = run("herald: HTTP publish", clients, seconds, overHttp);
                Phase append = run("herald: EventStore.append", clients, seconds, direct);
                Phase client_ = run("baseline: client -> trivial server", clients, seconds, baseline);
                System.out.printf("load after: %s%n%n", loadAverage());
                System.out.printf("single events, %d clients, %d s per phase, after %d s of HTTP and %d s of each other warm-up%n",
                        clients, seconds, warmUp, warmUp / 3);
                for (Phase phase : List.of(http, append, client_)) {
                    System.out.println(phase);
                }
                double onTop = http.jvmMillis() - append.jvmMillis();
                System.out.printf("HTTP on top of the store, this JVM: %.4f - %.4f = %.4f ms per publish (client included)%n",
                        http.jvmMillis(), append.jvmMillis(), onTop);
                System.out.printf("A8 = that - client baseline: %.4f - %.4f = %.4f ms of CPU per request%n",
                        onTop, client_.jvmMillis(), onTop - client_.jvmMillis());
                System.out.printf("rate HTTP / direct: %.2f%n", http.rate() / append.rate());
            }
        }
    }

    private static void post(HttpClient client, URI uri, String bearer, boolean herald) throws Exception {
        String body = DeliveryFixture.event(UUID.randomUUID().toString(), resource(), subject()).toString();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/cloudevents+json").header("Authorization", bearer)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(response.statusCode() + " " + response.body());
        }
        if (herald && !response.body().contains("\"position\"")) {
            throw new IllegalStateException("no receipt: " + response.body());
        }
    }

    private static final AtomicLong NUMBER = new AtomicLong();

    private static String resource() {
        return "urn:altinn:resource:bench_http_" + NUMBER.incrementAndGet() % 48;
    }

    private static String subject() {
        return "/party/" + (50_000 + NUMBER.get() % 1000);
    }

    private static String loadAverage() throws Exception {
        return String.join(" ", java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ", 4))
                .substring(0, 14).trim();
    }

    /** {@code clients} threads each run {@code operation} back to back for {@code seconds}. */
    private static Phase run(String name, int clients, int seconds, Operation operation) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(clients, DeliveryThroughputBenchmark.daemon("client"));
        AtomicLong done = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong firstError = new AtomicLong();
        System.gc();
        CpuClock clock = CpuClock.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            running.add(threads.submit(() -> {
                while (System.nanoTime() < deadline) {
                    try {
                        operation.run();
                        done.incrementAndGet();
                    } catch (Exception e) {
                        if (errors.incrementAndGet() == 1 && firstError.compareAndSet(0, 1)) {
                            System.err.println(name + ": " + e);
                        }
                    }
                }
            }));
        }
        for (Future<?> f : running) {
            f.get();
        }
        CpuClock.Spent spent = clock.spent();
        threads.shutdown();
        return new Phase(name, done.get(), errors.get(), spent);
    }
}
