package io.herald.dispatcher;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Service;

import io.herald.dispatcher.internal.DeliveryChannels;
import io.herald.dispatcher.internal.SendResult;
import io.herald.store.EventKey;
import io.herald.store.EventPosition;
import io.herald.store.StoredEvent;
import io.herald.dispatcher.internal.WebhookClient;
import io.herald.subscriptions.DeliveryTarget;
import io.herald.subscriptions.SubscriptionId;
import io.herald.subscriptions.SubscriptionService;
import io.herald.subscriptions.SubscriptionsProperties;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sends a subscription's endpoint a {@code platform.events.test} CloudEvent at once, signed like
 * every delivery and through the same client and outbound guard, and reports what the endpoint answered. Not
 * stored, not retried: it is for the subscriber to check its receiver.
 */
@Service
public class TestDeliveries implements DisposableBean {

    public static final String TYPE = "platform.events.test";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** What the endpoint made of the test event: its status ({@code null} when no answer came) or the error. */
    public record TestResult(String webhookId, Integer status, long latencyMillis, String error) {
    }

    private final SubscriptionService subscriptions;
    private final DeliveryChannels channels;
    private final Clock clock;
    private final ExecutorService threads = Executors.newFixedThreadPool(1, runnable -> {
        Thread thread = new Thread(runnable, "herald-test-delivery");
        thread.setDaemon(true);
        return thread;
    });
    private final WebhookClient client;

    public TestDeliveries(SubscriptionService subscriptions, DispatcherProperties dispatcher,
            SubscriptionsProperties subscriptionsProperties, Clock clock, WebPushProperties webPush) {
        this.channels = DeliveryChannels.of(webPush);
        this.subscriptions = subscriptions;
        this.clock = clock;
        this.client = new WebhookClient(subscriptionsProperties.outbound().guard(), dispatcher, threads);
    }

    /** Empty when the subscription does not exist. */
    public Optional<TestResult> send(SubscriptionId id) {
        Optional<DeliveryTarget> target = subscriptions.deliveryTarget(id);
        if (target.isEmpty()) {
            return Optional.empty();
        }
        String webhookId = "test_" + UUID.randomUUID().toString().replace("-", "");
        ObjectNode event = JSON.createObjectNode();
        event.put("specversion", "1.0");
        event.put("id", UUID.randomUUID().toString());
        event.put("source", "urn:herald:subscriptions");
        event.put("type", TYPE);
        event.put("subject", "/subscription/" + id);
        event.put("time", DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.MILLIS)));
        event.putObject("data").put("subscriptionId", id.value());
        // a subscription whose secret or push keys cannot be decrypted cannot be sent to; it says why
        Optional<String> refusal = Optional.ofNullable(target.get().unusable())
                .or(() -> target.get().channel() == DeliveryTarget.Channel.SMS
                        ? Optional.of("a test event is not texted (a text is billed and counts against the number's allowance); "
                                + "the number was proven by its code, and the first event shows that texts arrive")
                        : Optional.empty())
                .or(() -> channels.refusal(target.get()));
        if (refusal.isPresent()) {
            return Optional.of(new TestResult(webhookId, null, 0, "refused: " + refusal.get()));
        }
        Instant now = clock.instant();
        // through the subscription's own channel: signed for a webhook, encrypted for Web Push
        StoredEvent stored = new StoredEvent(new EventPosition(1, 0), now, new EventKey(event.get("source").asString(),
                event.get("id").asString()), TYPE, null, event.get("subject").asString(), null, null, now,
                JSON.writeValueAsString(event));
        try {
            SendResult result = client.post(channels.of(target.get()).prepare(webhookId, target.get(), stored, now)).get();
            String error = result.refused() ? "refused: " + result.error()
                    : result.errorClass() == null ? null : result.errorClass() + ": " + result.error();
            return Optional.of(new TestResult(webhookId, result.answered() ? result.status() : null, result.latencyMillis(), error));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(new TestResult(webhookId, null, 0, "interrupted"));
        } catch (ExecutionException e) {
            return Optional.of(new TestResult(webhookId, null, 0, e.getCause().getClass().getSimpleName()));
        }
    }

    @Override
    public void destroy() {
        client.close();
        threads.shutdownNow();
    }
}
