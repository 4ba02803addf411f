package io.herald.dispatcher.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

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
import io.herald.dispatcher.SmsProperties;
import io.herald.dispatcher.WebPushProperties;
import io.herald.store.TestEvents;
import io.herald.subscriptions.NewSubscription;
import io.herald.subscriptions.OutboundGuard;
import io.herald.subscriptions.SmsConfirmation;
import io.herald.subscriptions.SubscriptionId;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * SMS delivery through the worker against WireMock standing in for Twilio's Messages API, with
 * the real PostgreSQL: the templated text to the verified number, retries and dead letters, the
 * per-number rate limit and its digest.
 */
class SmsDeliveryIT {

    private static DispatcherFixtures.Database db;
    private static final String OWNER = "/person/01017012345";
    private static final String MESSAGES = "/2010-04-01/Accounts/ACtest/Messages.json";

    private final WireMockServer twilio = new WireMockServer(options().dynamicPort());
    private final List<DeliveryWorker> workers = new ArrayList<>();
    private SmsSetup setup;

    @BeforeAll
    static void start() {
        db = DispatcherFixtures.Database.open("herald_sms_it", 6);
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @BeforeEach
    void gateway() {
        twilio.start();
        twilio.stubFor(post(urlEqualTo(MESSAGES)).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("{\"sid\":\"SM1\"}")));
    }

    @AfterEach
    void stopAll() {
        workers.forEach(DeliveryWorker::stop);
        if (setup != null) {
            setup.close();
        }
        twilio.stop();
    }

    private SmsProperties sms(int perWindow, String window) {
        return new Binder(new MapConfigurationPropertySource(Map.of(
                "herald.sms.gateway", "twilio",
                "herald.sms.twilio.base-url", "http://127.0.0.1:" + twilio.port(),
                "herald.sms.twilio.account-sid", "ACtest",
                "herald.sms.twilio.auth-token", "test-auth-token",
                "herald.sms.twilio.from", "+15005550006",
                "herald.sms.link", "https://herald.example/e/{id}",
                "herald.sms.templates.[app.instance.]", "Herald: {type} for {subject}. {link}",
                "herald.sms.rate-limit.per-window", Integer.toString(perWindow),
                "herald.sms.rate-limit.window", window,
                "herald.sms.rate-limit.digest-link", "https://herald.example/feed")))
                .bindOrCreate("herald.sms", SmsProperties.class);
    }

    private static DispatcherProperties dispatcherProperties() {
        return new Binder(new MapConfigurationPropertySource(Map.of(
                "herald.dispatcher.poll-interval", "20ms", "herald.dispatcher.retry.schedule", "100ms,100ms",
                "herald.dispatcher.retry.jitter", "0"))).bindOrCreate("herald.dispatcher", DispatcherProperties.class);
    }

    private void worker(SmsProperties settings) {
        DispatcherProperties properties = dispatcherProperties();
        OutboundGuard guard = new OutboundGuard(List.of("127.0.0.0/8"));
        setup = new SmsSetup(settings, guard, properties, Clock.systemUTC());
        var health = new EndpointHealth(db.jdbc(), db.subscriptions(), db.store(), Duration.ofDays(5), Clock.systemUTC());
        WebPushProperties noWebPush = new Binder(new MapConfigurationPropertySource(Map.of()))
                .bindOrCreate("herald.web-push", WebPushProperties.class);
        var worker = new DeliveryWorker(db.store(), db.subscriptions(), new DeliveryQueue(db.jdbc()),
                new RetryPolicy(properties.retry()), properties, guard, health, Clock.systemUTC(), new SimpleMeterRegistry(),
                DeliveryChannels.of(noWebPush, setup.channel(db.jdbc(), db.transactions(), db.subscriptions())));
        workers.add(worker);
        worker.start();
    }

    private static String number() {
        return "+479" + String.format("%07d", ThreadLocalRandom.current().nextInt(10_000_000));
    }

    /** An SMS subscription whose number was confirmed with the code, as its owner does through the API. */
    private static long verifiedSubscription(String number) {
        SubscriptionId id = db.subscriptions().createSms(new NewSubscription(null, TestEvents.uniqueResource(), null, OWNER, null, null,
                false, false), number, OWNER, "test").subscription().id();
        assertThat(db.subscriptions().openSmsCode(id, "424242", Duration.ofMinutes(10), 5, Duration.ofMinutes(1))).isEmpty();
        assertThat(db.subscriptions().confirmSmsCode(id, "424242")).isInstanceOf(SmsConfirmation.Verified.class);
        return id.value();
    }

    private long delivery(long subscription) {
        return DispatcherFixtures.dueDelivery(db.store(), db.jdbc(), subscription, TestEvents.event(TestEvents.uniqueResource()));
    }

    private String status(long delivery) {
        return db.jdbc().queryForObject("SELECT status FROM delivery WHERE id = ?", String.class, delivery);
    }

    private List<Map<String, String>> textsTo(String number) {
        List<Map<String, String>> texts = new ArrayList<>();
        for (LoggedRequest request : twilio.findAll(postRequestedFor(urlEqualTo(MESSAGES)))) {
            Map<String, String> form = new HashMap<>();
            for (String pair : request.getBodyAsString().split("&")) {
                String[] parts = pair.split("=", 2);
                form.put(URLDecoder.decode(parts[0], StandardCharsets.UTF_8), URLDecoder.decode(parts[1], StandardCharsets.UTF_8));
            }
            if (number.equals(form.get("To"))) {
                texts.add(form);
            }
        }
        return texts;
    }

    @Test
    void shouldTextTheVerifiedNumberTheTemplatedMessageAndRecordTheAnswerMasked() {
        String number = number();
        long subscription = verifiedSubscription(number);
        twilio.stubFor(post(urlEqualTo(MESSAGES)).withRequestBody(containing(URLEncoded.of(number))).willReturn(aResponse()
                .withStatus(201).withHeader("Content-Type", "application/json")
                .withBody("{\"sid\":\"SM42\",\"to\":\"" + number + "\",\"status\":\"queued\"}")));
        long delivery = delivery(subscription);

        worker(sms(10, "1h"));

        await().atMost(Duration.ofSeconds(20)).until(() -> status(delivery).equals("delivered"));
        String id = db.jdbc().queryForObject("SELECT e.id FROM event e JOIN delivery d ON (d.event_tx, d.event_seq) = (e.tx, e.seq) "
                + "WHERE d.id = ?", String.class, delivery);
        List<Map<String, String>> texts = textsTo(number);
        assertThat(texts).singleElement().satisfies(text -> {
            assertThat(text.get("From")).isEqualTo("+15005550006");
            assertThat(text.get("Body")).isEqualTo("Herald: app.instance.created for . https://herald.example/e/" + id);
        });
        twilio.verify(postRequestedFor(urlEqualTo(MESSAGES)).withHeader("Authorization", equalTo("Basic "
                + Base64.getEncoder().encodeToString("ACtest:test-auth-token".getBytes(StandardCharsets.UTF_8)))));
        String excerpt = db.jdbc().queryForObject("SELECT response_excerpt FROM delivery_attempt WHERE delivery_id = ?", String.class,
                delivery);
        assertThat(excerpt).as("the number Twilio echoes is recorded masked").doesNotContain(number)
                .contains(io.herald.subscriptions.PhoneNumbers.mask(number));
        byte[] stored = db.jdbc().queryForObject("SELECT phone_number FROM subscription WHERE id = ?", byte[].class, subscription);
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).as("sealed at rest").doesNotContain(number.substring(1));
    }

    @Test
    void shouldRetryA5xxAndDeliverWhenTheGatewayTakesTheText() {
        String number = number();
        long subscription = verifiedSubscription(number);
        twilio.stubFor(post(urlEqualTo(MESSAGES)).withRequestBody(containing(URLEncoded.of(number))).inScenario("outage")
                .whenScenarioStateIs(Scenario.STARTED).willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        twilio.stubFor(post(urlEqualTo(MESSAGES)).withRequestBody(containing(URLEncoded.of(number))).inScenario("outage")
                .whenScenarioStateIs("up").willReturn(aResponse().withStatus(201).withBody("{\"sid\":\"SM2\"}")));
        long delivery = delivery(subscription);

        worker(sms(10, "1h"));

        await().atMost(Duration.ofSeconds(20)).until(() -> status(delivery).equals("delivered"));
        assertThat(textsTo(number)).hasSize(2);
        assertThat(db.jdbc().queryForList("SELECT status_code FROM delivery_attempt WHERE delivery_id = ? ORDER BY attempt", Integer.class,
                delivery)).containsExactly(503, 201);
    }

    @Test
    void shouldDeadLetterAtOnceWhenTheGatewayRefusesTheNumberForGood() {
        String number = number();
        long subscription = verifiedSubscription(number);
        twilio.stubFor(post(urlEqualTo(MESSAGES)).withRequestBody(containing(URLEncoded.of(number))).willReturn(aResponse()
                .withStatus(400).withHeader("Content-Type", "application/json")
                .withBody("{\"code\": 21211, \"message\": \"The 'To' number " + number + " is not a valid phone number.\"}")));
        long delivery = delivery(subscription);

        worker(sms(10, "1h"));

        await().atMost(Duration.ofSeconds(20)).until(() -> status(delivery).equals("dead"));
        assertThat(textsTo(number)).as("never tried again").hasSize(1);
        assertThat(db.jdbc().queryForObject("SELECT outcome FROM delivery_attempt WHERE delivery_id = ?", String.class, delivery))
                .contains("dead-letter").contains("Twilio error 21211");
        assertThat(db.jdbc().queryForObject("SELECT response_excerpt FROM delivery_attempt WHERE delivery_id = ?", String.class, delivery))
                .doesNotContain(number);
        assertThat(db.jdbc().queryForObject("SELECT paused FROM subscription WHERE id = ?", Boolean.class, subscription)).isFalse();
    }

    @Test
    void shouldDeadLetterWhenTheRetriesAreUsedUp() {
        String number = number();
        long subscription = verifiedSubscription(number);
        twilio.stubFor(post(urlEqualTo(MESSAGES)).withRequestBody(containing(URLEncoded.of(number)))
                .willReturn(aResponse().withStatus(500)));
        long delivery = delivery(subscription);

        worker(sms(10, "1h"));

        await().atMost(Duration.ofSeconds(20)).until(() -> status(delivery).equals("dead"));
        assertThat(textsTo(number)).as("the first attempt and both retries").hasSize(3);
        assertThat(db.jdbc().queryForObject("SELECT outcome FROM delivery_attempt WHERE delivery_id = ? AND attempt = 3", String.class,
                delivery)).contains("gave up after 3 attempts");
    }

    @Test
    void shouldDisableTheSubscriptionWhenTheGatewaySaysTheNumberUnsubscribed() {
        String number = number();
        long subscription = verifiedSubscription(number);
        twilio.stubFor(post(urlEqualTo(MESSAGES)).withRequestBody(containing(URLEncoded.of(number))).willReturn(aResponse()
                .withStatus(400).withBody("{\"code\":21610,\"message\":\"Attempt to send to unsubscribed recipient\"}")));
        long delivery = delivery(subscription);

        worker(sms(10, "1h"));

        await().atMost(Duration.ofSeconds(20)).until(() -> status(delivery).equals("dead"));
        await().atMost(Duration.ofSeconds(20)).until(() ->
                db.jdbc().queryForObject("SELECT paused FROM subscription WHERE id = ?", Boolean.class, subscription));
        assertThat(db.jdbc().queryForObject("SELECT disabled_reason FROM subscription WHERE id = ?", String.class, subscription))
                .contains("replied STOP");
    }

    @Test
    void shouldFoldTextsBeyondTheNumbersAllowanceIntoOneDigestSentWhenTheWindowEnds() {
        String number = number();
        long first = verifiedSubscription(number);
        long second = verifiedSubscription(number);
        List<Long> deliveries = List.of(delivery(first), delivery(second), delivery(first), delivery(second), delivery(first));

        worker(sms(2, "2s"));

        await().atMost(Duration.ofSeconds(20)).until(() -> deliveries.stream().allMatch(id -> status(id).equals("delivered")));
        assertThat(textsTo(number)).as("two texts in the window, whichever subscription they are for").hasSize(2);
        assertThat(db.jdbc().queryForObject("SELECT count(*) FROM delivery_attempt WHERE delivery_id = ANY(?) AND outcome = ?",
                Integer.class, deliveries.toArray(Long[]::new), DeliveryWorker.FOLDED)).isEqualTo(3);
        SmsDigests digests = setup.digests(db.jdbc(), db.transactions(), db.subscriptions());
        assertThat(digests.sendDue()).as("the window has not ended yet").isZero();

        await().atMost(Duration.ofSeconds(20)).until(() -> digests.sendDue() == 1);

        assertThat(textsTo(number)).hasSize(3).last().satisfies(digest ->
                assertThat(digest.get("Body")).isEqualTo("Herald: and 3 more events. https://herald.example/feed"));
        assertThat(digests.sendDue()).as("sent once").isZero();
        assertThat(db.jdbc().queryForObject("SELECT folded FROM sms_rate WHERE phone_hash = ?", Integer.class,
                (Object) db.subscriptions().phoneNumberHash(number))).isZero();
    }

    @Test
    void shouldForgetNumbersWhoseWindowEndedLongAgoWithNothingFolded() {
        worker(sms(2, "1h"));
        byte[] stale = db.subscriptions().phoneNumberHash(number());
        byte[] current = db.subscriptions().phoneNumberHash(number());
        db.jdbc().update("INSERT INTO sms_rate (phone_hash, window_start, sent, folded) VALUES (?, now() - interval '3 hours', 2, 0)",
                (Object) stale);
        db.jdbc().update("INSERT INTO sms_rate (phone_hash, window_start, sent, folded) VALUES (?, now() - interval '10 minutes', 2, 0)",
                (Object) current);

        setup.digests(db.jdbc(), db.transactions(), db.subscriptions()).sendDue();

        assertThat(db.jdbc().queryForObject("SELECT count(*) FROM sms_rate WHERE phone_hash = ?", Integer.class, (Object) stale)).isZero();
        assertThat(db.jdbc().queryForObject("SELECT count(*) FROM sms_rate WHERE phone_hash = ?", Integer.class, (Object) current))
                .isEqualTo(1);
    }

    /** A number as it appears in a form-encoded body. */
    private static final class URLEncoded {
        static String of(String value) {
            return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
        }
    }
}
