package io.herald.subscriptions;

import java.net.URI;
import java.util.List;

/**
 * Where and how to push a subscription's deliveries: its channel, its endpoint (the webhook's URL,
 * or the push service's URL of a Web Push subscription), the signing secrets ({@code whsec_…};
 * more than one while a rotation overlaps), the Web Push keys ({@code null} for a webhook), and
 * whether it takes pushes now.
 */
public record DeliveryTarget(SubscriptionId id, Channel channel, URI endpoint, List<String> secrets, PushKeys pushKeys,
        boolean active) {

    /** How a subscription is told: exactly one channel each. */
    public enum Channel {
        /** A POST of the CloudEvent to the subscriber's own endpoint, signed (Standard Webhooks). */
        WEBHOOK("webhook"),
        /** An encrypted Web Push message (RFC 8030, 8291, 8292) through the push service of the subscriber's browser. */
        WEB_PUSH("web-push");

        private final String name;

        Channel(String name) {
            this.name = name;
        }

        /** As the API and the database spell it. */
        public String externalName() {
            return name;
        }

        public static Channel of(String name) {
            for (Channel channel : values()) {
                if (channel.name.equals(name)) {
                    return channel;
                }
            }
            throw new IllegalArgumentException("no channel is called " + name);
        }
    }

    public DeliveryTarget {
        secrets = List.copyOf(secrets);
        if (channel == Channel.WEB_PUSH && pushKeys == null) {
            throw new IllegalArgumentException("a Web Push target needs the subscription's push keys");
        }
    }

    /** A webhook. */
    public DeliveryTarget(SubscriptionId id, URI endpoint, List<String> secrets, boolean active) {
        this(id, Channel.WEBHOOK, endpoint, secrets, null, active);
    }

    @Override
    public String toString() {
        return "DeliveryTarget[id=" + id + ", channel=" + channel.externalName() + ", active=" + active + "]";
    }
}
