package io.herald.dispatcher.internal;

import io.herald.subscriptions.DeliveryTarget;

/** The channel each subscription is delivered through, built once at start. */
final class DeliveryChannels {

    private final DeliveryChannel webhook;

    DeliveryChannels(DeliveryChannel webhook) {
        this.webhook = webhook;
    }

    /** Only the webhook: what Herald does without other channels configured. */
    static DeliveryChannels webhookOnly() {
        return new DeliveryChannels(new WebhookChannel());
    }

    DeliveryChannel of(DeliveryTarget target) {
        return webhook;
    }
}
