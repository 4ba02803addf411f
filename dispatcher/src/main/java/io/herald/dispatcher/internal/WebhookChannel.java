package io.herald.dispatcher.internal;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import io.herald.dispatcher.DeliveryOutcome;
import io.herald.store.StoredEvent;
import io.herald.subscriptions.DeliveryTarget;
import io.herald.subscriptions.WebhookSigner;

/**
 * The subscriber's own endpoint: the CloudEvent as {@code application/cloudevents+json} (or
 * {@code application/json} when the subscription asked for it), signed per Standard Webhooks
 * ({@code webhook-id}, {@code webhook-timestamp}, {@code webhook-signature}), with
 * {@code WebHook-Request-Origin} when Herald has an origin configured.
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
        Map<String, String> headers = new HashMap<>(Map.of(
                "webhook-id", messageId,
                "webhook-timestamp", Long.toString(timestamp),
                "webhook-signature", signer.signature(messageId, timestamp, body, target.secrets())));
        if (target.webhookOrigin() != null) {
            // the CloudEvents web hook spec asks a sender to name itself on every request after the handshake
            headers.put("WebHook-Request-Origin", target.webhookOrigin());
        }
        return new Request(target.endpoint(), target.push().contentType().header(), body, headers);
    }

    @Override
    public DeliveryOutcome classify(SendResult result, Instant now) {
        return Outcomes.of(result, now);
    }
}
