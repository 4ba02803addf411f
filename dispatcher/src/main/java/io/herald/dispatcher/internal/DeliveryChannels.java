package io.herald.dispatcher.internal;

import java.util.Optional;

import io.herald.dispatcher.WebPushProperties;
import io.herald.subscriptions.DeliveryTarget;

/** The channel each subscription is delivered through, built once at start. */
public final class DeliveryChannels {

    private final DeliveryChannel webhook;
    /** Null when no VAPID key pair is configured. */
    private final DeliveryChannel webPush;
    /** Null when no SMS gateway is configured. */
    private final DeliveryChannel sms;

    DeliveryChannels(DeliveryChannel webhook, DeliveryChannel webPush) {
        this(webhook, webPush, null);
    }

    DeliveryChannels(DeliveryChannel webhook, DeliveryChannel webPush, DeliveryChannel sms) {
        this.webhook = webhook;
        this.webPush = webPush;
        this.sms = sms;
    }

    /** Only the webhook: what Herald does without other channels configured. */
    static DeliveryChannels webhookOnly() {
        return new DeliveryChannels(new WebhookChannel(), null);
    }

    /** The webhook, and Web Push when its key pair is configured. */
    public static DeliveryChannels of(WebPushProperties webPush) {
        return of(webPush, null);
    }

    /** The webhook, Web Push when its key pair is configured, and SMS when a gateway is ({@code sms} null: none). */
    static DeliveryChannels of(WebPushProperties webPush, DeliveryChannel sms) {
        return new DeliveryChannels(new WebhookChannel(), webPush.configured() ? new WebPushChannel(webPush) : null, sms);
    }

    /** Why a target's channel cannot be used on this instance at all (its delivery is then dead-lettered). */
    public Optional<String> refusal(DeliveryTarget target) {
        if (target.channel() == DeliveryTarget.Channel.WEB_PUSH && webPush == null) {
            return Optional.of("Web Push is not configured on this Herald (herald.web-push.vapid-public-key and vapid-private-key)");
        }
        if (target.channel() == DeliveryTarget.Channel.SMS && sms == null) {
            return Optional.of("SMS is not configured on this Herald (herald.sms.gateway)");
        }
        return Optional.empty();
    }

    public DeliveryChannel of(DeliveryTarget target) {
        return switch (target.channel()) {
            case WEBHOOK -> webhook;
            case WEB_PUSH -> webPush;
            case SMS -> sms;
        };
    }
}
