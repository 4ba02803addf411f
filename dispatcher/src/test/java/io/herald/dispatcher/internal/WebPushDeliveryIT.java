package io.herald.dispatcher.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import com.sun.net.httpserver.HttpServer;

import io.herald.dispatcher.DispatcherProperties;
import io.herald.dispatcher.RetryPolicy;
import io.herald.dispatcher.TestDeliveries;
import io.herald.dispatcher.WebPushProperties;
import io.herald.store.IncomingEvent;
import io.herald.store.TestEvents;
import io.herald.subscriptions.NewSubscription;
import io.herald.subscriptions.OutboundGuard;
import io.herald.subscriptions.PushKeys;
import io.herald.subscriptions.SubscriptionsProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Web Push delivery against a local push service (a JDK HTTP server) that decrypts each message
 * with the subscription's private key and auth secret, as the subscriber's browser would, and
 * verifies the VAPID token against Herald's public key; with the real PostgreSQL.
 */
class WebPushDeliveryIT {

    private static DispatcherFixtures.Database db;
    private static final String OWNER = "/person/01017012345";
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static KeyPair vapid;
    private static byte[] vapidPublic;

    /** What the push service received: headers and body of each request. */
    private record Received(Map<String, List<String>> headers, byte[] body) {

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(e -> e.getValue().get(0))
                    .findFirst().orElse(null);
        }
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger answer = new AtomicInteger(201);
    private final List<DeliveryWorker> workers = new ArrayList<>();
    private HttpServer pushService;
    /** The browser's own keys: the private one never leaves it. */
    private KeyPair browser;
    private byte[] browserPublic;
    private byte[] auth;

    @BeforeAll
    static void start() {
        db = DispatcherFixtures.Database.open("herald_webpush_it", 6);
        vapid = WebPushEncryption.newKeyPair();
        vapidPublic = WebPushEncryption.encodePoint((ECPublicKey) vapid.getPublic());
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @BeforeEach
    void pushServiceAndBrowser() throws IOException {
        pushService = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        pushService.createContext("/wpush/", exchange -> {
            received.add(new Received(Map.copyOf(exchange.getRequestHeaders()), exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(answer.get(), -1);
            exchange.close();
        });
        pushService.start();
        browser = WebPushEncryption.newKeyPair();
        browserPublic = WebPushEncryption.encodePoint((ECPublicKey) browser.getPublic());
        auth = new byte[16];
        new SecureRandom().nextBytes(auth);
    }

    @AfterEach
    void stopAll() {
        workers.forEach(DeliveryWorker::stop);
        pushService.stop(0);
    }

    private static DispatcherProperties dispatcherProperties() {
        return new Binder(new MapConfigurationPropertySource(Map.of(
                "herald.dispatcher.poll-interval", "20ms", "herald.dispatcher.retry.schedule", "100ms,100ms",
                "herald.dispatcher.retry.jitter", "0"))).bindOrCreate("herald.dispatcher", DispatcherProperties.class);
    }

    private DeliveryWorker worker(OutboundGuard guard) {
        DispatcherProperties properties = dispatcherProperties();
        var health = new EndpointHealth(db.jdbc(), db.subscriptions(), db.store(), Duration.ofDays(5), Clock.systemUTC());
        var worker = new DeliveryWorker(db.store(), db.subscriptions(), new DeliveryQueue(db.jdbc()),
                new RetryPolicy(properties.retry()), properties, guard, health, Clock.systemUTC(), new SimpleMeterRegistry(),
                DeliveryChannels.of(webPush()));
        workers.add(worker);
        worker.start();
        return worker;
    }

    private static WebPushProperties webPush() {
        return new Binder(new MapConfigurationPropertySource(Map.of(
                "herald.web-push.vapid-public-key", BASE64URL.encodeToString(vapidPublic),
                "herald.web-push.vapid-private-key", BASE64URL.encodeToString(scalar((ECPrivateKey) vapid.getPrivate())),
                "herald.web-push.vapid-subject", "mailto:operator@herald.example",
                "herald.web-push.ttl", "2h", "herald.web-push.urgency", "high",
                "herald.web-push.link", "https://herald.example/events/{id}")))
                .bindOrCreate("herald.web-push", WebPushProperties.class);
    }

    private static byte[] scalar(ECPrivateKey key) {
        byte[] bytes = key.getS().toByteArray();
        byte[] out = new byte[32];
        int copy = Math.min(bytes.length, 32);
        System.arraycopy(bytes, bytes.length - copy, out, 32 - copy, copy);
        return out;
    }

    /** A Web Push subscription for the browser's keys, pushed through the local push service. */
    private long pushSubscription() {
        return db.subscriptions().createWebPush(new NewSubscription(
                "http://127.0.0.1:" + pushService.getAddress().getPort() + "/wpush/v2/device-1",
                TestEvents.uniqueResource(), null, null, null, null, false, false),
                new PushKeys(browserPublic, auth), OWNER, "test").subscription().id().value();
    }

    private long delivery(long subscription, IncomingEvent event) {
        return DispatcherFixtures.dueDelivery(db.store(), db.jdbc(), subscription, event);
    }

    private String status(long delivery) {
        return db.jdbc().queryForObject("SELECT status FROM delivery WHERE id = ?", String.class, delivery);
    }

    @Test
    void shouldPushAMessageOnlyTheSubscribersBrowserCanReadSignedWithHeraldsVapidKey() throws Exception {
        long subscription = pushSubscription();
        IncomingEvent event = TestEvents.event(TestEvents.uniqueResource());
        long delivery = delivery(subscription, event);

        worker(new OutboundGuard(List.of("127.0.0.0/8")));

        await().atMost(Duration.ofSeconds(20)).until(() -> status(delivery).equals("delivered"));
        Received push = received.get(0);
        String message = new String(PushReceiver.decrypt(push.body(), (ECPrivateKey) browser.getPrivate(), browserPublic, auth),
                StandardCharsets.UTF_8);
        String id = db.jdbc().queryForObject("SELECT id FROM event ORDER BY tx DESC, seq DESC LIMIT 1", String.class);
        assertThat(message).contains("\"type\":\"" + db.jdbc().queryForObject("SELECT type FROM event WHERE id = ?", String.class, id) + "\"")
                .contains("\"id\":\"" + id + "\"")
                .contains("\"link\":\"https://herald.example/events/" + id + "\"");
        assertThat(new String(push.body(), StandardCharsets.ISO_8859_1)).doesNotContain(id);
        assertThat(push.header("Content-Encoding")).isEqualTo("aes128gcm");
        assertThat(push.header("Content-Type")).startsWith("application/octet-stream");
        assertThat(push.header("TTL")).isEqualTo("7200");
        assertThat(push.header("Urgency")).isEqualTo("high");
        assertThat(push.header("Topic")).isEqualTo("msg_" + delivery);
        assertThat(PushReceiver.verifiedClaims(push.header("Authorization"), vapidPublic))
                .contains("\"aud\":\"http://127.0.0.1:" + pushService.getAddress().getPort() + "\"")
                .contains("\"sub\":\"mailto:operator@herald.example\"");
        // the browser's keys are personal data: stored sealed, never as sent
        byte[] stored = db.jdbc().queryForObject("SELECT push_keys FROM subscription WHERE id = ?", byte[].class, subscription);
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain(new String(auth, StandardCharsets.ISO_8859_1));
        assertThat(db.jdbc().queryForObject("SELECT channel FROM subscription WHERE id = ?", String.class, subscription)).isEqualTo("web-push");
    }

    @ParameterizedTest
    @ValueSource(ints = {404, 410})
    void shouldDisableAPushSubscriptionThePushServiceNoLongerKnows(int status) {
        answer.set(status);
        long subscription = pushSubscription();
        long delivery = delivery(subscription, TestEvents.event(TestEvents.uniqueResource()));

        worker(new OutboundGuard(List.of("127.0.0.0/8")));

        await().atMost(Duration.ofSeconds(20)).until(() -> status(delivery).equals("dead"));
        await().atMost(Duration.ofSeconds(20)).until(() ->
                db.jdbc().queryForObject("SELECT paused FROM subscription WHERE id = ?", Boolean.class, subscription));
        assertThat(db.jdbc().queryForObject("SELECT disabled_reason FROM subscription WHERE id = ?", String.class, subscription))
                .contains("push service answered " + status);
        assertThat(received).hasSize(1);
    }

    @Test
    void shouldRefuseAPushServiceOnAnInternalAddress() {
        long subscription = pushSubscription();
        long delivery = delivery(subscription, TestEvents.event(TestEvents.uniqueResource()));

        worker(new OutboundGuard(List.of()));

        await().atMost(Duration.ofSeconds(20)).until(() -> status(delivery).equals("dead"));
        assertThat(received).isEmpty();
    }

    /**
     * Push keys that cannot be decrypted (sealed under another key, or altered) hold back only their
     * own subscription, as an undecryptable signing secret does: its delivery waits without using
     * up attempts, and another push subscription's goes out.
     */
    @Test
    void shouldHoldBackOnlyThePushSubscriptionWhoseKeysCannotBeDecrypted() {
        long broken = pushSubscription();
        long healthy = pushSubscription();
        db.jdbc().update("UPDATE subscription SET push_keys = decode('00112233445566778899aabbccddeeff00112233445566778899', 'hex') "
                + "WHERE id = ?", broken);
        long waiting = delivery(broken, TestEvents.event(TestEvents.uniqueResource()));
        long sent = delivery(healthy, TestEvents.event(TestEvents.uniqueResource()));

        worker(new OutboundGuard(List.of("127.0.0.0/8")));

        await().atMost(Duration.ofSeconds(20)).until(() -> status(sent).equals("delivered"));
        await().atMost(Duration.ofSeconds(20)).until(() -> db.jdbc().queryForObject(
                "SELECT coalesce(last_error, '') FROM delivery WHERE id = ?", String.class, waiting).contains("cannot be decrypted"));
        assertThat(status(waiting)).isEqualTo("pending");
        assertThat(db.jdbc().queryForObject("SELECT attempts FROM delivery WHERE id = ?", Integer.class, waiting))
                .as("waiting uses up no attempt").isZero();
        assertThat(received).hasSize(1);
    }

    @Test
    void shouldSendATestEventToAPushSubscriptionThroughItsChannel() throws Exception {
        long subscription = pushSubscription();
        SubscriptionsProperties loopbackAllowed = new Binder(new MapConfigurationPropertySource(Map.of(
                "herald.subscriptions.secret-key", Base64.getEncoder().encodeToString(new byte[32]),
                "herald.subscriptions.outbound.allowed-networks", "127.0.0.0/8")))
                .bindOrCreate("herald.subscriptions", SubscriptionsProperties.class);
        var tests = new TestDeliveries(db.subscriptions(), dispatcherProperties(), loopbackAllowed, Clock.systemUTC(), webPush());
        try {
            var result = tests.send(new io.herald.subscriptions.SubscriptionId(subscription)).orElseThrow();

            assertThat(result.status()).as(String.valueOf(result.error())).isEqualTo(201);
            String message = new String(PushReceiver.decrypt(received.get(0).body(), (ECPrivateKey) browser.getPrivate(),
                    browserPublic, auth), StandardCharsets.UTF_8);
            assertThat(message).contains("\"type\":\"" + TestDeliveries.TYPE + "\"");
            assertThat(PushReceiver.verifiedClaims(received.get(0).header("Authorization"), vapidPublic)).contains("\"aud\"");
        } finally {
            tests.destroy();
        }
    }
}
