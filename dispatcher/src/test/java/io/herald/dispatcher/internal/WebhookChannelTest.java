package io.herald.dispatcher.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.herald.store.EventKey;
import io.herald.store.EventPosition;
import io.herald.store.StoredEvent;
import io.herald.subscriptions.DeliveryTarget;
import io.herald.subscriptions.PushOptions;
import io.herald.subscriptions.SubscriptionId;
import io.herald.subscriptions.WebhookSigner;

class WebhookChannelTest {

    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
    private static final String JSON = "{\"specversion\":\"1.0\",\"id\":\"e1\",\"source\":\"urn:test\",\"type\":\"t\"}";
    private static final StoredEvent EVENT = new StoredEvent(new EventPosition(1, 0), NOW, new EventKey("urn:test", "e1"),
            "t", null, null, null, null, NOW, JSON);

    private final WebhookChannel channel = new WebhookChannel();

    private static DeliveryTarget target(PushOptions.ContentType contentType, String origin) {
        return new DeliveryTarget(new SubscriptionId(7), URI.create("https://hooks.example/herald"), List.of("whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="),
                true, new PushOptions(contentType, null), origin, null);
    }

    @Test
    void shouldSendTheCloudEventSignedAsCloudEventsJsonWithTheRequestOrigin() {
        DeliveryChannel.Request request = channel.prepare("msg_1", target(PushOptions.ContentType.CLOUDEVENTS_JSON,
                "events.example"), EVENT, NOW);

        assertThat(request.url()).isEqualTo(URI.create("https://hooks.example/herald"));
        assertThat(request.contentType()).isEqualTo("application/cloudevents+json");
        assertThat(new String(request.body(), StandardCharsets.UTF_8)).isEqualTo(JSON);
        assertThat(request.headers()).containsEntry("webhook-id", "msg_1")
                .containsEntry("webhook-timestamp", Long.toString(NOW.getEpochSecond()))
                .containsEntry("webhook-signature", new WebhookSigner().signature("msg_1", NOW.getEpochSecond(),
                        JSON.getBytes(StandardCharsets.UTF_8), List.of("whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")))
                .containsEntry("WebHook-Request-Origin", "events.example");
    }

    @Test
    void shouldSendAsApplicationJsonWhenTheSubscriptionAsked() {
        DeliveryChannel.Request request = channel.prepare("msg_2", target(PushOptions.ContentType.JSON, "events.example"),
                EVENT, NOW);

        assertThat(request.contentType()).isEqualTo("application/json; charset=utf-8");
        assertThat(request.headers()).containsEntry("WebHook-Request-Origin", "events.example");
    }

    @Test
    void shouldLeaveTheRequestOriginOutWhenHeraldHasNone() {
        DeliveryChannel.Request request = channel.prepare("msg_3", target(PushOptions.ContentType.CLOUDEVENTS_JSON, null),
                EVENT, NOW);

        assertThat(request.headers()).doesNotContainKey("WebHook-Request-Origin").containsKey("webhook-signature");
    }
}
