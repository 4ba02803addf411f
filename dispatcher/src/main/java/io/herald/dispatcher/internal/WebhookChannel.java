package io.herald.dispatcher.internal;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import io.herald.dispatcher.DeliveryOutcome;
import io.herald.store.StoredEvent;
import io.herald.subscriptions.DeliveryTarget;
import io.herald.subscriptions.OutboundHttp;
import io.herald.subscriptions.WebhookSigner;

/**
 * The subscriber's own endpoint: the CloudEvent as {@code application/cloudevents+json}, signed
 * per Standard Webhooks ({@code webhook-id}, {@code webhook-timestamp}, {@code webhook-signature}).
 * 410 Gone disables the subscription ({@link io.herald.dispatcher.RetryPolicy}).
 */
final class WebhookChannel implements DeliveryChannel {

    private final WebhookSigner signer = new WebhookSigner();

    @Override
    public URI destination(DeliveryTarget target) {
        return target.endpoint();
    }

    @Override
    public Request prepare(String messageId, DeliveryTarget target, StoredEvent event, Instant now) {
        byte[] body = event.json().getBytes(StandardCharsets.UTF_8);
        long timestamp = now.getEpochSecond();
        return new Request(target.endpoint(), OutboundHttp.CLOUDEVENTS_JSON, body, Map.of(
                "webhook-id", messageId,
                "webhook-timestamp", Long.toString(timestamp),
                "webhook-signature", signer.signature(messageId, timestamp, body, target.secrets())));
    }

    @Override
    public DeliveryOutcome classify(SendResult result, Instant now) {
        return Outcomes.of(result, now);
    }
}
