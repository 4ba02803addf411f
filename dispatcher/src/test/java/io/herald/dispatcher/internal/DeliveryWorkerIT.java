package io.herald.dispatcher.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.herald.dispatcher.DispatcherProperties;
import io.herald.dispatcher.RetryPolicy;
import io.herald.store.EventPosition;
import io.herald.store.EventReference;
import io.herald.store.FeedQuery;
import io.herald.store.IncomingEvent;
import io.herald.store.MutableClock;
import io.herald.store.StoredEvent;
import io.herald.store.TestEvents;
import io.herald.subscriptions.DeliveryHandoff;
import io.herald.subscriptions.NewSubscription;
import io.herald.subscriptions.OutboundGuard;
import io.herald.subscriptions.ScriptedResolver;
import io.herald.subscriptions.SubscriptionId;
import io.herald.subscriptions.TestSubscriptions;
import io.herald.subscriptions.WebhookSigner;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** Push delivery against real HTTP endpoints (WireMock) and the real PostgreSQL. */
class DeliveryWorkerIT {

    private static DispatcherFixtures.Database db;
    private static final String HOOK = "/hook";
    private static final String OWNER = "/org/ttd";

    private final WireMockServer endpoint = new WireMockServer(options().dynamicPort());
    private final WireMockServer slowEndpoint = new WireMockServer(options().dynamicPort());
    private final List<DeliveryWorker> workers = new ArrayList<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final MutableClock clock = new MutableClock(Instant.now());
    private EndpointHealth health;

    @BeforeAll
    static void start() {
        db = DispatcherFixtures.Database.open("herald_dispatcher_it", 12);
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @BeforeEach
    void endpoints() {
        endpoint.start();
        slowEndpoint.start();
        db.jdbc().update("DELETE FROM delivery");
        health = new EndpointHealth(db.jdbc(), db.subscriptions(), db.store(), Duration.ofDays(5), clock);
    }

    @AfterEach
    void stopAll() {
        workers.forEach(DeliveryWorker::stop);
        endpoint.stop();
        slowEndpoint.stop();
    }

    private DeliveryWorker worker(Map<String, String> settings) {
        return worker(settings, new OutboundGuard(List.of("127.0.0.0/8")));
    }

    private DeliveryWorker worker(Map<String, String> settings, OutboundGuard guard) {
        return worker(settings, guard, new DeliveryQueue(db.jdbc()));
    }

    private DeliveryWorker worker(Map<String, String> settings, OutboundGuard guard, DeliveryQueue queue) {
        var source = new java.util.HashMap<>(Map.of("herald.dispatcher.poll-interval", "20ms",
                "herald.dispatcher.retry.schedule", "100ms,100ms", "herald.dispatcher.retry.jitter", "0"));
        source.putAll(settings);
        DispatcherProperties properties = new Binder(new MapConfigurationPropertySource(source))
                .bindOrCreate("herald.dispatcher", DispatcherProperties.class);
        var worker = new DeliveryWorker(db.store(), db.subscriptions(), queue,
                new RetryPolicy(properties.retry()), properties, guard, health, Clock.systemUTC(), meters);
        workers.add(worker);
        worker.start();
        return worker;
    }

    /** A validated subscription to this endpoint; returns its id and signing secret. */
    private Map.Entry<Long, String> subscription(WireMockServer server) {
        return subscription("127.0.0.1", server, false);
    }

    private Map.Entry<Long, String> subscription(WireMockServer server, boolean ordered) {
        return subscription("127.0.0.1", server, ordered);
    }

    private Map.Entry<Long, String> subscription(String host, WireMockServer server) {
        return subscription(host, server, false);
    }

    private Map.Entry<Long, String> subscription(String host, WireMockServer server, boolean ordered) {
        var created = db.subscriptions().create(new NewSubscription("http://" + host + ":" + server.port() + HOOK,
                TestEvents.uniqueResource(), null, null, null, null, false, ordered), OWNER, "test");
        long id = created.subscription().id().value();
        new TestSubscriptions(db.jdbc(), db.transactions()).validate(id);
        return Map.entry(id, created.secret());
    }

    /** Stores an event and a due delivery of it to the subscription; returns the delivery id. */
    private long delivery(long subscription, IncomingEvent event) {
        return DispatcherFixtures.dueDelivery(db.store(), db.jdbc(), subscription, event);
    }

    /** {@code count} due deliveries to the subscription, each of a new event; returns their ids. */
    private List<Long> backlog(long subscription, int count) {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(delivery(subscription, TestEvents.event(TestEvents.uniqueResource())));
        }
        return ids;
    }

    private String status(long delivery) {
        return db.jdbc().queryForObject("SELECT status FROM delivery WHERE id = ?", String.class, delivery);
    }

    private int attempts(long delivery) {
        return db.jdbc().queryForObject("SELECT count(*) FROM delivery_attempt WHERE delivery_id = ?", Integer.class, delivery);
    }

    @Test
    void shouldPostTheEventSignedPerStandardWebhooks() {
        endpoint.stubFor(post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(204)));
        var subscription = subscription(endpoint);
        IncomingEvent event = TestEvents.event("urn:altinn:resource:app_ttd_signed");
        long delivery = delivery(subscription.getKey(), event);

        worker(Map.of());

        await().atMost(Duration.ofSeconds(20)).until(() -> status(delivery).equals("delivered"));
        LoggedRequest request = endpoint.findAll(postRequestedFor(urlEqualTo(HOOK))).get(0);
        assertThat(request.getBodyAsString()).isEqualTo(event.json());
        assertThat(request.getHeader("Content-Type")).isEqualTo("application/cloudevents+json");
        assertThat(request.getHeader("webhook-id")).isEqualTo("msg_" + delivery);
        String timestamp = request.getHeader("webhook-timestamp");
        assertThat(Long.parseLong(timestamp)).isCloseTo(java.time.Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(60L));
        assertThat(request.getHeader("webhook-signature")).isEqualTo(new WebhookSigner().signature("msg_" + delivery,
                Long.parseLong(timestamp), event.json().getBytes(StandardCharsets.UTF_8), List.of(subscription.getValue())));
        assertThat(attempts(delivery)).isEqualTo(1);
    }

    /**
     * Stores an event and a delivery of it written as the matcher writes one it hands over: its first attempt
     * counted, due only in an hour, without a claim number; returns it as handed over.
     */
    private DeliveryHandoff.HandedDelivery reserved(long subscription, IncomingEvent event) {
        long id = delivery(subscription, event);
        db.jdbc().update("UPDATE delivery SET attempts = 1, next_attempt_at = now() + interval '1 hour' WHERE id = ?", id);
        var stored = db.jdbc().queryForObject("SELECT event_tx, event_seq, event_stored_at FROM delivery WHERE id = ?",
                (row, n) -> new EventReference(new EventPosition(row.getLong(1), row.getLong(2)), row.getTimestamp(3).toInstant()), id);
        return new DeliveryHandoff.HandedDelivery(id, new SubscriptionId(subscription), stored);
    }

    /**
     * A delivery handed over at its creation goes out without being claimed from the table (it is not due there
     * for an hour), is recorded as its first attempt, and its retry comes from the table like any other.
     */
    @Test
    void shouldSendADeliveryHandedOverAtItsCreationWithoutClaimingIt() {
        endpoint.stubFor(post(urlEqualTo(HOOK)).inScenario("handed").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        endpoint.stubFor(post(urlEqualTo(HOOK)).inScenario("handed").whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(200)));
        var subscription = subscription(endpoint);
        IncomingEvent event = TestEvents.event(TestEvents.uniqueResource());
        DeliveryHandoff.HandedDelivery handed = reserved(subscription.getKey(), event);
        DeliveryWorker worker = worker(Map.of("herald.dispatcher.claim-lease", "3m"));
        assertThat(worker.room()).isPositive();
        assertThat(worker.lease()).as("as long as a claim's").isEqualTo(Duration.ofMinutes(3));

        worker.take(List.of(handed));

        await().atMost(Duration.ofSeconds(20)).until(() -> status(handed.id()).equals("delivered"));
        assertThat(db.jdbc().queryForList("SELECT attempt || ' ' || outcome FROM delivery_attempt WHERE delivery_id = ? ORDER BY id",
                String.class, handed.id())).containsExactly("1 retry", "2 delivered");
        assertThat(db.jdbc().queryForObject("SELECT claim IS NOT NULL FROM delivery WHERE id = ?", Boolean.class, handed.id()))
                .as("the retry was claimed from the table").isTrue();
        assertThat(endpoint.findAll(postRequestedFor(urlEqualTo(HOOK)))).hasSize(2)
                .allMatch(request -> request.getBodyAsString().equals(event.json()));
    }

    /**
     * A delivery handed over is fenced as a claim is: when another instance claimed it meanwhile (this one's lease
     * ran out), its answer is recorded as superseded and leaves the newer claim's state alone.
     */
    @Test
    void shouldLeaveADeliveryHandedOverToTheInstanceThatClaimedItAfterTheLease() {
        endpoint.stubFor(post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(200).withFixedDelay(1_500)));
        DeliveryHandoff.HandedDelivery handed = reserved(subscription(endpoint).getKey(), TestEvents.event(TestEvents.uniqueResource()));
        DeliveryWorker worker = worker(Map.of());

        worker.take(List.of(handed));
        await().atMost(Duration.ofSeconds(20)).until(() -> !endpoint.findAll(postRequestedFor(urlEqualTo(HOOK))).isEmpty());
        // another instance's claim, as the queue makes it once the lease has run out
        db.jdbc().update("UPDATE delivery SET attempts = attempts + 1, claim = nextval('delivery_claim_seq'), "
                + "next_attempt_at = now() + interval '5 minutes' WHERE id = ?", handed.id());

        await().atMost(Duration.ofSeconds(20)).until(() -> attempts(handed.id()) == 1);
        assertThat(db.jdbc().queryForObject("SELECT outcome FROM delivery_attempt WHERE delivery_id = ?", String.class, handed.id()))
                .isEqualTo("superseded: delivered");
        assertThat(status(handed.id())).isEqualTo("pending");
    }

    /**
     * Deliveries handed over go out without the table being asked for due ones each time their answers are recorded:
     * it is asked when deliveries were written due ({@code DeliveriesCreated}), and once a poll interval.
     */
    @Test
    void shouldNotAskTheTableForDueDeliveriesWhileOnlyHandedOverOnesCome() {
        endpoint.stubFor(post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(200)));
        var subscription = subscription(endpoint);
        java.util.concurrent.atomic.AtomicInteger claims = new java.util.concurrent.atomic.AtomicInteger();
        var counting = new org.springframework.jdbc.core.JdbcTemplate(db.jdbc().getDataSource()) {
            @Override
            public <T> List<T> query(String sql, org.springframework.jdbc.core.PreparedStatementSetter setter,
                    org.springframework.jdbc.core.RowMapper<T> mapper) {
                if (sql.contains("delivery_claim_seq")) {
                    claims.incrementAndGet();
                }
                return super.query(sql, setter, mapper);
            }
        };
        DeliveryWorker worker = worker(Map.of("herald.dispatcher.poll-interval", "1m"), new OutboundGuard(List.of("127.0.0.0/8")),
                new DeliveryQueue(counting));
        await().atMost(Duration.ofSeconds(20)).until(() -> claims.get() == 1); // the first turn looks at the table

        for (int i = 0; i < 3; i++) {
            DeliveryHandoff.HandedDelivery handed = reserved(subscription.getKey(), TestEvents.event(TestEvents.uniqueResource()));
            worker.take(List.of(handed));
            await().atMost(Duration.ofSeconds(20)).until(() -> status(handed.id()).equals("delivered"));
        }
        assertThat(claims.get()).as("no claim for answers recorded of deliveries handed over").isEqualTo(1);

        long due = delivery(subscription.getKey(), TestEvents.event(TestEvents.uniqueResource()));
        worker.wakeUp(); // as the matcher's DeliveriesCreated does
        await().atMost(Duration.ofSeconds(20)).until(() -> status(due).equals("delivered"));
        assertThat(claims.get()).isGreaterThan(1);
    }

    /** Handed over no more than there are free request slots for; none once stopping. */
    @Test
    void shouldTakeNoMoreThanItHasRequestSlotsFor() {
        endpoint.stubFor(post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(200).withFixedDelay(2_000)));
        var subscription = subscription(endpoint);
        DeliveryWorker worker = worker(Map.of("herald.dispatcher.max-in-flight", "4"));
        assertThat(worker.room()).isEqualTo(4);

        List<DeliveryHandoff.HandedDelivery> three = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            three.add(reserved(subscription.getKey(), TestEvents.event(TestEvents.uniqueResource())));
        }
        worker.take(three);
        await().atMost(Duration.ofSeconds(20)).until(() -> endpoint.findAll(postRequestedFor(urlEqualTo(HOOK))).size() == 3);
        assertThat(worker.room()).isEqualTo(1);

        worker.stop();
        assertThat(worker.room()).isZero();
    }

    @Test
    void shouldRetryUntilTheEndpointAnswersAndKeepTheWebhookIdAcrossRetries() {
        endpoint.stubFor(post(urlEqualTo(HOOK)).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(500)).willSetStateTo("recovered"));
        endpoint.stubFor(post(urlEqualTo(HOOK)).inScenario("flaky").whenScenarioStateIs("recovered")
                .willReturn(aResponse().withStatus(200)));
        long delivery = delivery(subscription(endpoint).getKey(), TestEvents.event(TestEvents.uniqueResource()));

        worker(Map.of());

        await().atMost(Duration.ofSeconds(20)).until(() -> status(delivery).equals("delivered"));
        assertThat(attempts(delivery)).isEqualTo(2);
        assertThat(endpoint.findAll(postRequestedFor(urlEqualTo(HOOK))).stream().map(r -> r.getHeader("webhook-id")))
                .containsOnly("msg_" + delivery);
    }

    @Test
    void shouldDeadLetterAfterTheLastRetry() {
        endpoint.stubFor(post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(500).withBody("broken")));
        long delivery = delivery(subscription(endpoint).getKey(), TestEvents.event(TestEvents.uniqueResource()));

        worker(Map.of());

        await().atMost(Duration.ofSeconds(20)).until(() -> status(delivery).equals("dead"));
        assertThat(attempts(delivery)).as("the first try and two retries").isEqualTo(3);
        assertThat(db.jdbc().queryForObject("SELECT response_excerpt FROM delivery_attempt WHERE delivery_id = ? ORDER BY id LIMIT 1",
                String.class, delivery)).isEqualTo("broken");
    }

    @Test
    void shouldDisableTheSubscriptionWhenTheEndpointIsGone() {
        endpoint.stubFor(post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(410)));
        var subscription = subscription(endpoint);
        long delivery = delivery(subscription.getKey(), TestEvents.event(TestEvents.uniqueResource()));

        worker(Map.of());

        await().atMost(Duration.ofSeconds(20)).until(() -> status(delivery).equals("dead"));
        // the owner is told first, then the subscription is disabled
        await().atMost(Duration.ofSeconds(20)).until(() ->
                db.jdbc().queryForObject("SELECT paused FROM subscription WHERE id = ?", Boolean.class, subscription.getKey()));
        assertThat(db.jdbc().queryForObject("SELECT disabled_reason FROM subscription WHERE id = ?", String.class, subscription.getKey()))
                .contains("410");
        // readable once no transaction that began before it is still open (docs/adr/0002-cursor.md)
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(ownerEvents(subscription.getKey()))
                .singleElement().satisfies(told -> assertThat(told.json()).contains("410")));
    }

    /** The {@code platform.events.subscription.disabled} events about this subscription in its owner's feed. */
    private List<StoredEvent> ownerEvents(long subscription) {
        return db.store().read(FeedQuery.after(EventPosition.START, 1000).withResource(EndpointHealth.RESOURCE).withSubject(OWNER))
                .events().stream()
                .filter(event -> event.type().equals(EndpointHealth.DISABLED_TYPE))
                .filter(event -> event.json().contains("\"subscriptionId\":" + subscription + ","))
                .toList();
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {301, 307})
    void shouldNotFollowRedirects(int status) {
        endpoint.stubFor(post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(status).withHeader("Location", "/elsewhere")));
        long delivery = delivery(subscription(endpoint).getKey(), TestEvents.event(TestEvents.uniqueResource()));

        worker(Map.of());

        await().atMost(Duration.ofSeconds(20)).until(() -> attempts(delivery) >= 1);
        endpoint.verify(0, postRequestedFor(urlEqualTo("/elsewhere")));
        assertThat(db.jdbc().queryForObject("SELECT last_status FROM delivery WHERE id = ?", Integer.class, delivery)).isEqualTo(status);
        assertThat(status(delivery)).as("a redirect is a failed attempt, retried").isIn("pending", "dead");
    }

    /**
     * The schedule and Retry-After, as the dispatcher applies them: after each failed attempt the
     * next one is due after the scheduled wait (no jitter here), or after a longer Retry-After on
     * 503 and 429. Each wait is read off the database and then cut short, so the test takes
     * seconds, not minutes.
     */
    @Test
    void shouldFollowTheRetryScheduleAndHonourRetryAfter() {
        String[] states = {Scenario.STARTED, "unavailable", "throttled", "up"};
        endpoint.stubFor(post(urlEqualTo(HOOK)).inScenario("s").whenScenarioStateIs(states[0])
                .willReturn(aResponse().withStatus(500)).willSetStateTo(states[1]));
        endpoint.stubFor(post(urlEqualTo(HOOK)).inScenario("s").whenScenarioStateIs(states[1])
                .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "120")).willSetStateTo(states[2]));
        endpoint.stubFor(post(urlEqualTo(HOOK)).inScenario("s").whenScenarioStateIs(states[2])
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "300")).willSetStateTo(states[3]));
        endpoint.stubFor(post(urlEqualTo(HOOK)).inScenario("s").whenScenarioStateIs(states[3])
                .willReturn(aResponse().withStatus(200)));
        long delivery = delivery(subscription(endpoint).getKey(), TestEvents.event(TestEvents.uniqueResource()));

        worker(Map.of("herald.dispatcher.retry.schedule", "10s,30s,1m,5m", "herald.dispatcher.retry.jitter", "0"));

        assertThat(waitAfterAttempt(delivery, 1)).as("the schedule's first wait").isCloseTo(10, org.assertj.core.data.Offset.offset(2.0));
        dueNow(delivery);
        assertThat(waitAfterAttempt(delivery, 2)).as("503: Retry-After 120 s beats the scheduled 30 s")
                .isCloseTo(120, org.assertj.core.data.Offset.offset(2.0));
        dueNow(delivery);
        assertThat(waitAfterAttempt(delivery, 3)).as("429: Retry-After 300 s beats the scheduled 1 min")
                .isCloseTo(300, org.assertj.core.data.Offset.offset(2.0));
        dueNow(delivery);
        await().atMost(Duration.ofSeconds(20)).until(() -> status(delivery).equals("delivered"));
        assertThat(attempts(delivery)).isEqualTo(4);
    }

    /** Seconds from attempt {@code n} to the next one's due time, once attempt {@code n} is recorded. */
    private double waitAfterAttempt(long delivery, int n) {
        await().atMost(Duration.ofSeconds(20)).until(() -> attempts(delivery) == n);
        return db.jdbc().queryForObject("""
                SELECT extract(epoch FROM d.next_attempt_at - a.attempted_at)
                FROM delivery d JOIN delivery_attempt a ON a.delivery_id = d.id AND a.attempt = ?
                WHERE d.id = ?
                """, Double.class, n, delivery);
    }

    private void dueNow(long delivery) {
        db.jdbc().update("UPDATE delivery SET next_attempt_at = now() WHERE id = ?", delivery);
    }

    /** A reset connection and an endpoint that stalls (30 s, past the response timeout) are failed attempts, retried. */
    @Test
    void shouldRetryAfterAConnectionResetAndAStall() {
        endpoint.stubFor(post(urlEqualTo(HOOK)).inScenario("faults").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withFault(com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER))
                .willSetStateTo("stalling"));
        endpoint.stubFor(post(urlEqualTo(HOOK)).inScenario("faults").whenScenarioStateIs("stalling")
                .willReturn(aResponse().withStatus(200).withFixedDelay(30_000)).willSetStateTo("up"));
        endpoint.stubFor(post(urlEqualTo(HOOK)).inScenario("faults").whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(200)));
        long delivery = delivery(subscription(endpoint).getKey(), TestEvents.event(TestEvents.uniqueResource()));

        worker(Map.of("herald.dispatcher.response-timeout", "1s", "herald.dispatcher.retry.schedule", "50ms,50ms,50ms"));

        await().atMost(Duration.ofSeconds(20)).until(() -> status(delivery).equals("delivered"));
        List<Map<String, Object>> tried = db.jdbc().queryForList(
                "SELECT status_code, error, outcome FROM delivery_attempt WHERE delivery_id = ? ORDER BY attempt", delivery);
        assertThat(tried).hasSize(3);
        assertThat(tried.get(0).get("status_code")).isNull();
        assertThat((String) tried.get(0).get("error")).as("the reset").isNotBlank();
        assertThat(tried.get(0).get("outcome")).isEqualTo("retry");
        assertThat((String) tried.get(1).get("error")).as("the stall").contains("Timeout");
        assertThat(tried.get(2).get("outcome")).isEqualTo("delivered");
    }

    /** An open breaker lets a probe through after its wait; the endpoint answering again closes it and the held deliveries go. */
    @Test
    void shouldProbeAnOpenBreakerAndCloseItWhenTheEndpointRecovers() {
        endpoint.stubFor(post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(500)));
        long subscription = subscription(endpoint).getKey();
        List<Long> deliveries = backlog(subscription, 6);
        DeliveryWorker worker = worker(Map.of("herald.dispatcher.max-in-flight-per-endpoint", "1",
                "herald.dispatcher.retry.schedule", "50ms,50ms,50ms,50ms,50ms", "herald.dispatcher.breaker.minimum-number-of-calls", "3",
                "herald.dispatcher.breaker.sliding-window-size", "3", "herald.dispatcher.breaker.wait-in-open-state", "2s"));
        var breaker = worker.breaker(java.net.URI.create("http://127.0.0.1:" + endpoint.port() + HOOK));
        await().atMost(Duration.ofSeconds(20)).until(() -> breaker.getState() == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.OPEN);

        endpoint.stubFor(post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(200)));

        await().atMost(Duration.ofSeconds(30)).until(() -> deliveries.stream().allMatch(id -> status(id).equals("delivered")));
        assertThat(breaker.getState()).isEqualTo(io.github.resilience4j.circuitbreaker.CircuitBreaker.State.CLOSED);
        assertThat(deliveries.stream().mapToInt(this::attempts).sum()).as("three failures, then each delivered once")
                .isEqualTo(3 + 6);
    }

    /** Isolation: a stalling endpoint holds only its own slots; a healthy one is served meanwhile. */
    @Test
    void shouldDeliverToAHealthyEndpointWhileAnotherStalls() {
        slowEndpoint.stubFor(post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(200).withFixedDelay(4_000)));
        endpoint.stubFor(post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(200)));
        long slow = subscription(slowEndpoint).getKey();
        long healthy = subscription(endpoint).getKey();
        List<Long> stalled = backlog(slow, 20);
        List<Long> served = backlog(healthy, 10);

        worker(Map.of("herald.dispatcher.max-in-flight-per-endpoint", "4", "herald.dispatcher.response-timeout", "10s"));

        await().atMost(Duration.ofSeconds(20)).until(() -> served.stream().allMatch(id -> status(id).equals("delivered")));
        assertThat(stalled.stream().filter(id -> status(id).equals("delivered")))
                .as("the healthy endpoint was served before the stalled one answered once").isEmpty();
    }

    /** A graceful stop (SIGTERM) claims nothing more and lets the requests in flight finish and be recorded. */
    @Test
    void shouldFinishTheRequestsInFlightWhenStopped() {
        endpoint.stubFor(post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(200).withFixedDelay(1_000)));
        long delivery = delivery(subscription(endpoint).getKey(), TestEvents.event(TestEvents.uniqueResource()));
        DeliveryWorker worker = worker(Map.of());
        await().atMost(Duration.ofSeconds(20)).until(() -> !endpoint.findAll(postRequestedFor(urlEqualTo(HOOK))).isEmpty());

        worker.stop();

        assertThat(status(delivery)).isEqualTo("delivered");
        assertThat(attempts(delivery)).isEqualTo(1);
    }

    /** A delivery claimed by an instance that died is someone else's once the claim lease ends: late, never lost. */
    @Test
    void shouldTakeOverADeadInstancesClaimAfterItsLease() {
        endpoint.stubFor(post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(200)));
        long delivery = delivery(subscription(endpoint).getKey(), TestEvents.event(TestEvents.uniqueResource()));
        List<ClaimedDelivery> claimedByTheDead = new DeliveryQueue(db.jdbc()).claim(10, Duration.ofSeconds(2));
        assertThat(claimedByTheDead).extracting(ClaimedDelivery::id).contains(delivery);

        worker(Map.of("herald.dispatcher.claim-lease", "20s"));

        assertThat(status(delivery)).isEqualTo("pending");
        await().atMost(Duration.ofSeconds(20)).until(() -> status(delivery).equals("delivered"));
        assertThat(db.jdbc().queryForObject("SELECT attempts FROM delivery WHERE id = ?", Integer.class, delivery))
                .as("the lost attempt counts").isEqualTo(2);
    }

    /**
     * An attempt recorded after its claim lease ended, once another instance claimed the delivery
     * again and delivered it, does not overwrite that outcome: the late instance's failure is kept
     * as a superseded attempt, the delivery stays delivered and is not sent again.
     */
    @Test
    void shouldKeepTheNewerClaimsOutcomeWhenALateAttemptIsRecordedAfterTheLeaseEnded() {
        endpoint.stubFor(post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(200)));
        long delivery = delivery(subscription(endpoint).getKey(), TestEvents.event(TestEvents.uniqueResource()));
        DeliveryQueue late = new DeliveryQueue(db.jdbc());
        // the first instance claims with a lease that ends at once, as if its recorder stalled past the lease
        ClaimedDelivery lateClaim = late.claim(10, Duration.ofMillis(1)).stream()
                .filter(claimed -> claimed.id() == delivery).findFirst().orElseThrow();

        worker(Map.of());
        await().atMost(Duration.ofSeconds(20)).until(() -> status(delivery).equals("delivered"));

        SendResult failed = new SendResult(500, null, 12, "oops", null, null);
        int superseded = late.recordAll(List.of(new DeliveryQueue.Settled(lateClaim, failed, "retry", "pending", Duration.ZERO)));

        assertThat(superseded).isEqualTo(1);
        assertThat(status(delivery)).as("the newer claim's outcome is kept").isEqualTo("delivered");
        assertThat(db.jdbc().queryForList("SELECT outcome FROM delivery_attempt WHERE delivery_id = ? ORDER BY id", String.class, delivery))
                .containsExactly("delivered", "superseded: retry");
        assertThat(endpoint.findAll(postRequestedFor(urlEqualTo(HOOK)))).hasSize(1);
    }

    /**
     * A stored secret that cannot be decrypted holds back only its own subscription: its delivery
     * waits with the reason, without using up attempts, while another subscription's go out.
     */
    @Test
    void shouldHoldBackOnlyTheSubscriptionWhoseSecretCannotBeDecrypted() {
        endpoint.stubFor(post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(200)));
        long broken = subscription(endpoint).getKey();
        long healthy = subscription(endpoint).getKey();
        db.jdbc().update("UPDATE subscription SET secret = decode('00112233445566778899aabbccddeeff00112233445566778899', 'hex') "
                + "WHERE id = ?", broken);
        long waiting = delivery(broken, TestEvents.event(TestEvents.uniqueResource()));
        long first = delivery(healthy, TestEvents.event(TestEvents.uniqueResource()));

        DeliveryWorker worker = worker(Map.of());
        await().atMost(Duration.ofSeconds(20)).until(() -> status(first).equals("delivered"));
        long second = delivery(healthy, TestEvents.event(TestEvents.uniqueResource()));
        worker.wakeUp();
        await().atMost(Duration.ofSeconds(20)).until(() -> status(second).equals("delivered"));

        assertThat(status(waiting)).isEqualTo("pending");
        assertThat(db.jdbc().queryForObject("SELECT last_error FROM delivery WHERE id = ?", String.class, waiting))
                .contains("signing secret or Web Push keys cannot be decrypted");
        assertThat(db.jdbc().queryForObject("SELECT attempts FROM delivery WHERE id = ?", Integer.class, waiting))
                .as("waiting uses up no attempt").isZero();
        assertThat(meters.get("herald.delivery.unsignable.subscriptions").gauge().value()).isEqualTo(1.0);
        assertThat(endpoint.findAll(postRequestedFor(urlEqualTo(HOOK)))).hasSize(2);
    }

    /** New deliveries on this instance wake the dispatcher: no waiting for the poll (here an hour). */
    @Test
    void shouldSendAtOnceWhenWokenByNewDeliveries() {
        endpoint.stubFor(post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(200)));
        long subscription = subscription(endpoint).getKey();
        DeliveryWorker worker = worker(Map.of("herald.dispatcher.poll-interval", "1h"));
        await().atMost(Duration.ofSeconds(20)).until(() -> worker.isRunning());
        long delivery = delivery(subscription, TestEvents.event(TestEvents.uniqueResource()));

        worker.wakeUp();

        await().atMost(Duration.ofSeconds(20)).until(() -> status(delivery).equals("delivered"));
    }

    /**
     * Deliveries waiting for an endpoint's slots are sent when the instance's own request slots come
     * back too (attempts written), not only when one of that endpoint's requests is answered.
     */
    @Test
    void shouldSendWaitingDeliveriesWhenTheInstanceHasNoMoreRequestSlotsThanTheEndpoint() {
        endpoint.stubFor(post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(200).withFixedDelay(50)));
        long subscription = subscription(endpoint).getKey();
        List<Long> backlog = backlog(subscription, 100);

        worker(Map.of("herald.dispatcher.max-in-flight", "2", "herald.dispatcher.max-in-flight-per-endpoint", "2"));

        await().atMost(Duration.ofSeconds(60)).until(() -> backlog.stream().allMatch(id -> status(id).equals("delivered")));
        assertThat(backlog.stream().mapToInt(this::attempts).sum()).as("each sent once").isEqualTo(100);
    }

    /**
     * Deliveries that waited for a failing endpoint's slots go back to the queue when its breaker opens,
     * and are claimed again once it lets probes through: the endpoint is not left out of the claims for
     * want of an answer that never comes.
     */
    @Test
    void shouldClaimAWaitingBacklogAgainOnceTheBreakerThatHeldItLetsProbesThrough() {
        endpoint.stubFor(post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(500).withFixedDelay(20)));
        long subscription = subscription(endpoint).getKey();
        List<Long> backlog = backlog(subscription, 40);
        DeliveryWorker worker = worker(Map.of("herald.dispatcher.max-in-flight-per-endpoint", "2",
                "herald.dispatcher.retry.schedule", "200ms,200ms,200ms,200ms,200ms,200ms,200ms,200ms",
                "herald.dispatcher.breaker.minimum-number-of-calls", "4", "herald.dispatcher.breaker.sliding-window-size", "4",
                "herald.dispatcher.breaker.wait-in-open-state", "1s"));
        await().atMost(Duration.ofSeconds(30)).until(() ->
                worker.breaker(java.net.URI.create("http://127.0.0.1:" + endpoint.port() + HOOK)).getState()
                        == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.OPEN);

        endpoint.stubFor(post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(200)));

        await().atMost(Duration.ofSeconds(60)).until(() -> backlog.stream().allMatch(id -> status(id).equals("delivered")));
    }

    /**
     * A backlog for one endpoint is sent as its slots free, from memory: the deliveries claimed beyond
     * its slots wait beside the worker instead of being put back and claimed again after every answer.
     */
    @Test
    void shouldSendABacklogForOneEndpointWithoutClaimingItAgainAndAgain() {
        endpoint.stubFor(post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(200).withFixedDelay(20)));
        long subscription = subscription(endpoint).getKey();
        List<Long> backlog = backlog(subscription, 300);

        worker(Map.of("herald.dispatcher.max-in-flight-per-endpoint", "4"));

        await().atMost(Duration.ofSeconds(60)).until(() -> backlog.stream().allMatch(id -> status(id).equals("delivered")));
        assertThat(backlog.stream().mapToInt(this::attempts).sum()).as("each sent once").isEqualTo(300);
        assertThat(meters.counter("herald.delivery.postponed").count())
                .as("deliveries put back because their endpoint's slots were all in use").isLessThan(300);
    }

    /**
     * A backlog whose subscription was left out of the claims while its endpoint was busy is claimed again as soon
     * as the endpoint has room, not at the next poll (a minute here): freeing the endpoint says the table has due
     * deliveries for it.
     */
    @Test
    void shouldClaimAHeldBackBacklogAgainAsSoonAsItsEndpointHasRoom() {
        endpoint.stubFor(post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(200)));
        long subscription = subscription(endpoint).getKey();
        List<Long> backlog = backlog(subscription, 60);

        worker(Map.of("herald.dispatcher.poll-interval", "1m", "herald.dispatcher.batch-size", "10",
                "herald.dispatcher.max-in-flight-per-endpoint", "2"));

        await().atMost(Duration.ofSeconds(30)).until(() -> backlog.stream().allMatch(id -> status(id).equals("delivered")));
        assertThat(backlog.stream().mapToInt(this::attempts).sum()).as("each sent once").isEqualTo(60);
    }

    /**
     * A subscription deleted while its backlog waits in memory for its endpoint's slots gets no more
     * requests than those already on their way, and the attempts of those answered after the delete
     * do not stop others' attempts from being written.
     */
    @Test
    void shouldSendNoWaitingDeliveryOfASubscriptionDeletedMeanwhile() {
        endpoint.stubFor(post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(200).withFixedDelay(200)));
        long deleted = subscription(endpoint).getKey();
        long other = subscription(slowEndpoint).getKey();
        slowEndpoint.stubFor(post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(200).withFixedDelay(200)));
        backlog(deleted, 50);
        List<Long> others = backlog(other, 10);
        worker(Map.of("herald.dispatcher.max-in-flight-per-endpoint", "2"));
        await().atMost(Duration.ofSeconds(20)).until(() -> endpoint.getAllServeEvents().size() >= 2);

        assertThat(db.subscriptions().delete(OWNER, new io.herald.subscriptions.SubscriptionId(deleted))).isTrue();
        int sentBeforeTheDelete = endpoint.getAllServeEvents().size();

        await().atMost(Duration.ofSeconds(30)).until(() -> others.stream().allMatch(id -> status(id).equals("delivered")));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> endpoint.getAllServeEvents().size() <= sentBeforeTheDelete + 2);
    }

    /** A subscription paused while its backlog waits in memory gets nothing more until resumed; its deliveries stay pending. */
    @Test
    void shouldPutBackTheWaitingDeliveriesOfASubscriptionPausedMeanwhile() {
        endpoint.stubFor(post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(200).withFixedDelay(200)));
        long subscription = subscription(endpoint).getKey();
        List<Long> backlog = backlog(subscription, 40);
        worker(Map.of("herald.dispatcher.max-in-flight-per-endpoint", "2"));
        await().atMost(Duration.ofSeconds(20)).until(() -> endpoint.getAllServeEvents().size() >= 2);

        assertThat(db.subscriptions().pause(OWNER, new io.herald.subscriptions.SubscriptionId(subscription))).isPresent();
        int sentBeforeThePause = endpoint.getAllServeEvents().size();

        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> endpoint.getAllServeEvents().size() <= sentBeforeThePause + 2);
        assertThat(backlog.stream().filter(id -> status(id).equals("pending")).count())
                .as("left pending for when the subscription is resumed").isGreaterThanOrEqualTo(40 - sentBeforeThePause - 2);
    }

    /** A failing endpoint gets no more traffic once its breaker opens; its deliveries wait without using up attempts. */
    @Test
    void shouldHoldAFailingEndpointsDeliveriesOnceItsBreakerOpens() {
        endpoint.stubFor(post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(500)));
        long subscription = subscription(endpoint).getKey();
        List<Long> deliveries = backlog(subscription, 10);

        DeliveryWorker worker = worker(Map.of("herald.dispatcher.max-in-flight-per-endpoint", "1",
                "herald.dispatcher.retry.schedule", "1h", "herald.dispatcher.breaker.minimum-number-of-calls", "3",
                "herald.dispatcher.breaker.sliding-window-size", "3", "herald.dispatcher.breaker.wait-in-open-state", "1h"));

        await().atMost(Duration.ofSeconds(30)).until(() ->
                worker.breaker(java.net.URI.create("http://127.0.0.1:" + endpoint.port() + HOOK)).getState()
                        == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.OPEN);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() ->
                endpoint.countRequestsMatching(postRequestedFor(urlEqualTo(HOOK)).build()).getCount() == 3);
        assertThat(deliveries.stream().mapToInt(this::attempts).sum()).as("three attempts made, none burnt by the others").isEqualTo(3);
        assertThat(db.jdbc().queryForObject("SELECT count(*) FROM delivery WHERE subscription_id = ? AND attempts = 0 AND status = 'pending'",
                Integer.class, subscription)).isEqualTo(7);
        assertThat(meters.get("herald.delivery.breakers").tag("state", "open").gauge().value()).isEqualTo(1);
        assertThat(meters.get("herald.delivery.queue.pending").gauge().value()).as("all ten wait: three for a retry, seven held")
                .isEqualTo(10);
        assertThat(meters.get("herald.delivery.queue.due").gauge().value()).as("none is due while the breaker is open").isZero();
    }

    /** The outbound guard: an endpoint on an internal address gets nothing, and the delivery is dead-lettered at once. */
    @Test
    void shouldRefuseAnEndpointOnAnInternalAddress() {
        endpoint.stubFor(post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(200)));
        long delivery = delivery(subscription(endpoint).getKey(), TestEvents.event(TestEvents.uniqueResource()));

        worker(Map.of(), new OutboundGuard(List.of()));

        await().atMost(Duration.ofSeconds(20)).until(() -> status(delivery).equals("dead"));
        assertThat(db.jdbc().queryForObject("SELECT last_error FROM delivery WHERE id = ?", String.class, delivery))
                .contains("internal address");
        endpoint.verify(0, postRequestedFor(urlEqualTo(HOOK)));
    }

    /**
     * Issue 5, DNS rebinding: the endpoint's name is public when the worker checks it and loopback
     * when the client connects a moment later; the connect-time check refuses, WireMock gets nothing,
     * and the delivery is dead-lettered at once like any refused one.
     */
    @Test
    void shouldRefuseAtConnectTimeAnEndpointWhoseNameRebindsToLoopback() {
        endpoint.stubFor(post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(200)));
        ScriptedResolver dns = ScriptedResolver.rebinding("rebind.test", "93.184.216.34", "127.0.0.1");
        long delivery = delivery(subscription("rebind.test", endpoint).getKey(), TestEvents.event(TestEvents.uniqueResource()));

        worker(Map.of(), new OutboundGuard(List.of(), dns));

        await().atMost(Duration.ofSeconds(20)).until(() -> status(delivery).equals("dead"));
        assertThat(dns.lookups()).as("checked before the request, then again when connecting").isEqualTo(2);
        assertThat(attempts(delivery)).isEqualTo(1);
        assertThat(db.jdbc().queryForObject("SELECT last_error FROM delivery WHERE id = ?", String.class, delivery))
                .contains("internal address (127.0.0.1)");
        endpoint.verify(0, postRequestedFor(urlEqualTo(HOOK)));
    }

    /** The other side: the client connects to the address the guard resolved when the allow-list permits it. */
    @Test
    void shouldDeliverToTheAddressTheGuardResolvedWhenTheAllowListPermitsIt() {
        endpoint.stubFor(post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(200)));
        long delivery = delivery(subscription("hooks.test", endpoint).getKey(), TestEvents.event(TestEvents.uniqueResource()));

        worker(Map.of(), new OutboundGuard(List.of("127.0.0.0/8"), ScriptedResolver.resolving("hooks.test", "127.0.0.1")));

        await().atMost(Duration.ofSeconds(20)).until(() -> status(delivery).equals("delivered"));
        endpoint.verify(1, postRequestedFor(urlEqualTo(HOOK)));
    }

    /**
     * Two workers on one database share 10,000 deliveries: none is claimed by both at once (one
     * attempt each, one request per webhook-id), and none is lost when one of them stops mid-way.
     */
    @Test
    void shouldSendEachOfTenThousandDeliveriesOnceWithTwoWorkersOneStoppedMidway() {
        endpoint.stubFor(post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(200)));
        long subscription = subscription(endpoint).getKey();
        int total = 10_000;
        for (int batch = 0; batch < total / 500; batch++) {
            List<IncomingEvent> events = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                events.add(TestEvents.event(TestEvents.uniqueResource()));
            }
            db.store().append(events);
        }
        db.jdbc().update("""
                INSERT INTO delivery (subscription_id, event_tx, event_seq, event_stored_at, next_attempt_at, created_at)
                SELECT ?, tx, seq, stored_at, now(), now() FROM event ORDER BY tx DESC, seq DESC LIMIT ?
                """, subscription, total);

        Map<String, String> settings = Map.of("herald.dispatcher.batch-size", "50", "herald.dispatcher.max-in-flight-per-endpoint", "32");
        DeliveryWorker first = worker(settings);
        worker(settings);
        await().atMost(Duration.ofSeconds(60)).until(() -> delivered(subscription) >= total / 3);
        first.stop();

        await().atMost(Duration.ofSeconds(120)).until(() -> delivered(subscription) == total);
        List<String> ids = endpoint.findAll(postRequestedFor(urlEqualTo(HOOK))).stream().map(r -> r.getHeader("webhook-id")).toList();
        assertThat(ids).hasSize(total).doesNotHaveDuplicates();
        assertThat(db.jdbc().queryForObject("SELECT count(*) FROM delivery WHERE subscription_id = ? AND attempts <> 1",
                Integer.class, subscription)).as("deliveries claimed more than once").isZero();
        assertThat(meters.find("herald.delivery.attempts").tag("outcome", "delivered").counter().count()).isEqualTo(total);
    }

    private int delivered(long subscription) {
        return db.jdbc().queryForObject("SELECT count(*) FROM delivery WHERE status = 'delivered' AND subscription_id = ?",
                Integer.class, subscription);
    }

    /**
     * Ordered delivery under failures: the endpoint fails two requests in every five, so one event
     * in three is dead-lettered after its retry; the next event is sent only once the one before
     * it was delivered or dead-lettered, even with room for eight requests to the endpoint at once.
     */
    @Test
    void shouldKeepOrderUnderFailuresWhenOrderedDeliveryIsOn() {
        String[] states = {Scenario.STARTED, "second", "third", "fourth", "fifth"};
        int[] answers = {500, 500, 200, 200, 200};
        for (int i = 0; i < states.length; i++) {
            endpoint.stubFor(post(urlEqualTo(HOOK)).inScenario("flaky").whenScenarioStateIs(states[i])
                    .willReturn(aResponse().withStatus(answers[i])).willSetStateTo(states[(i + 1) % states.length]));
        }
        long subscription = subscription(endpoint, true).getKey();
        List<Long> deliveries = backlog(subscription, 12);

        worker(Map.of("herald.dispatcher.retry.schedule", "50ms", "herald.dispatcher.max-in-flight-per-endpoint", "8",
                "herald.dispatcher.breaker.failure-rate-threshold", "100"));

        await().atMost(Duration.ofSeconds(30)).until(() -> deliveries.stream().noneMatch(id -> status(id).equals("pending")));
        List<Long> attemptOrder = db.jdbc().queryForList("""
                SELECT a.delivery_id FROM delivery_attempt a JOIN delivery d ON d.id = a.delivery_id
                WHERE d.subscription_id = ? ORDER BY a.id
                """, Long.class, subscription);
        assertThat(attemptOrder).as("each event waits for the one before it").isSorted();
        assertThat(deliveries.stream().map(this::status)).containsExactly(
                "dead", "delivered", "delivered", "delivered", "dead", "delivered", "delivered", "delivered", "dead",
                "delivered", "delivered", "delivered");
    }

    /** Without ordered delivery the same endpoint gets several events at once: what the option turns off. */
    @Test
    void shouldSendSeveralEventsAtOnceWithoutOrderedDelivery() {
        endpoint.stubFor(post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(200).withFixedDelay(300)));
        long subscription = subscription(endpoint, false).getKey();
        List<Long> deliveries = backlog(subscription, 8);

        List<ClaimedDelivery> claimed = new DeliveryQueue(db.jdbc()).claim(10, Duration.ofMinutes(1));

        assertThat(claimed).extracting(ClaimedDelivery::id).containsExactlyInAnyOrderElementsOf(deliveries);
        db.jdbc().update("UPDATE subscription SET ordered_delivery = true WHERE id = ?", subscription);
        db.jdbc().update("UPDATE delivery SET next_attempt_at = now(), attempts = 0 WHERE subscription_id = ?", subscription);
        assertThat(new DeliveryQueue(db.jdbc()).claim(10, Duration.ofMinutes(1))).extracting(ClaimedDelivery::id)
                .as("ordered: only the earliest").containsExactly(deliveries.get(0));
    }

    /**
     * An endpoint that failed every attempt for five days has its subscription disabled by the
     * health check, with the reason on it and a {@code platform.events.subscription.disabled}
     * event in the owner's feed; one that succeeded in between is left alone.
     */
    @Test
    void shouldDisableAnEndpointFailingForDaysAndTellItsOwner() {
        endpoint.stubFor(post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(500)));
        slowEndpoint.stubFor(post(urlEqualTo(HOOK)).inScenario("recovers").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        slowEndpoint.stubFor(post(urlEqualTo(HOOK)).inScenario("recovers").whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(200)));
        long failing = subscription(endpoint).getKey();
        long recovered = subscription(slowEndpoint).getKey();
        long dead = delivery(failing, TestEvents.event(TestEvents.uniqueResource()));
        long fine = delivery(recovered, TestEvents.event(TestEvents.uniqueResource()));

        worker(Map.of());
        await().atMost(Duration.ofSeconds(20)).until(() -> status(dead).equals("dead") && status(fine).equals("delivered"));
        assertThat(failingSince(failing)).as("failing since its first failure").isNotNull();
        assertThat(failingSince(recovered)).as("a success clears it").isNull();

        db.jdbc().update("UPDATE subscription SET failing_since = NULL WHERE id NOT IN (?, ?)", failing, recovered); // other tests'
        assertThat(health.disableFailing()).as("not five days yet").isZero();
        clock.advance(Duration.ofDays(5).plusMinutes(1));
        assertThat(health.disableFailing()).isEqualTo(1);

        assertThat(db.subscriptions().get(OWNER, new io.herald.subscriptions.SubscriptionId(failing))).hasValueSatisfying(found -> {
            assertThat(found.status()).isEqualTo("disabled");
            assertThat(found.disabledReason()).contains("failed every attempt since");
        });
        assertThat(db.subscriptions().get(OWNER, new io.herald.subscriptions.SubscriptionId(recovered)))
                .hasValueSatisfying(found -> assertThat(found.status()).isEqualTo("active"));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(ownerEvents(failing))
                .singleElement().satisfies(told -> assertThat(told.subject()).isEqualTo(OWNER)));
        assertThat(health.disableFailing()).as("told once").isZero();
        assertThat(ownerEvents(failing)).hasSize(1);
    }

    private Timestamp failingSince(long subscription) {
        return db.jdbc().queryForObject("SELECT failing_since FROM subscription WHERE id = ?", Timestamp.class, subscription);
    }
}
