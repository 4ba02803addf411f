package io.herald.subscriptions;

import java.net.URI;
import java.util.List;

/**
 * Where and how to push a subscription's deliveries: its channel, its endpoint (the webhook's URL,
 * or the push service's URL of a Web Push subscription), the signing secrets ({@code whsec_…};
 * more than one while a rotation overlaps), the Web Push keys ({@code null} for a webhook), whether
 * it takes pushes now, how webhook pushes are sent ({@code push}: content type, rate cap), and the
 * origin Herald names in {@code WebHook-Request-Origin} on each webhook push (as the CloudEvents web
 * hook spec asks of a sender after its handshake).
 * {@code unusable}, when set, says why nothing can be sent for it (a stored secret or push keys that
 * cannot be decrypted): its deliveries wait, and no other subscription's are held up by it.
 */
public record DeliveryTarget(SubscriptionId id, Channel channel, URI endpoint, List<String> secrets, PushKeys pushKeys,
        boolean active, PushOptions push, String webhookOrigin, String unusable, String phoneNumber) {

    /** How a subscription is told: exactly one channel each. */
    public enum Channel {
        /** A POST of the CloudEvent to the subscriber's own endpoint, signed (Standard Webhooks). */
        WEBHOOK("webhook"),
        /** An encrypted Web Push message (RFC 8030, 8291, 8292) through the push service of the subscriber's browser. */
        WEB_PUSH("web-push"),
        /** A short text message through an SMS gateway to the subscriber's verified phone number (E.164). */
        SMS("sms");

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
        channel = channel == null ? Channel.WEBHOOK : channel;
        secrets = List.copyOf(secrets);
        push = push == null ? PushOptions.DEFAULT : push;
        if (channel == Channel.WEB_PUSH && pushKeys == null && unusable == null) {
            throw new IllegalArgumentException("a Web Push target needs the subscription's push keys");
        }
        if (channel == Channel.SMS && phoneNumber == null && unusable == null) {
            throw new IllegalArgumentException("an SMS target needs the subscription's phone number");
        }
    }

    /** A target without a phone number (webhook or Web Push). */
    public DeliveryTarget(SubscriptionId id, Channel channel, URI endpoint, List<String> secrets, PushKeys pushKeys,
            boolean active, PushOptions push, String webhookOrigin, String unusable) {
        this(id, channel, endpoint, secrets, pushKeys, active, push, webhookOrigin, unusable, null);
    }

    /** A webhook with the default push options and no {@code WebHook-Request-Origin}. */
    public DeliveryTarget(SubscriptionId id, URI endpoint, List<String> secrets, boolean active) {
        this(id, Channel.WEBHOOK, endpoint, secrets, null, active, PushOptions.DEFAULT, null, null);
    }

    /** A webhook. */
    public DeliveryTarget(SubscriptionId id, URI endpoint, List<String> secrets, boolean active, PushOptions push,
            String webhookOrigin, String unusable) {
        this(id, Channel.WEBHOOK, endpoint, secrets, null, active, push, webhookOrigin, unusable);
    }

    /** A target of the given channel with the default push options and no {@code WebHook-Request-Origin}. */
    public DeliveryTarget(SubscriptionId id, Channel channel, URI endpoint, List<String> secrets, PushKeys pushKeys,
            boolean active) {
        this(id, channel, endpoint, secrets, pushKeys, active, PushOptions.DEFAULT, null, null);
    }

    /** A webhook whose deliveries cannot be signed, and why (no secret in the reason). */
    public static DeliveryTarget unusable(SubscriptionId id, URI endpoint, boolean active, String reason) {
        return unusable(id, Channel.WEBHOOK, endpoint, active, reason);
    }

    /** A subscription of the given channel whose deliveries cannot be sent, and why (no secret in the reason). */
    public static DeliveryTarget unusable(SubscriptionId id, Channel channel, URI endpoint, boolean active, String reason) {
        return new DeliveryTarget(id, channel, endpoint, List.of(), null, active, PushOptions.DEFAULT, null, reason);
    }

    /** The same target on another channel, with that channel's keys (the rest kept). */
    public DeliveryTarget onChannel(Channel channel, PushKeys pushKeys) {
        return new DeliveryTarget(id, channel, endpoint, secrets, pushKeys, active, push, webhookOrigin, unusable, null);
    }

    /** The same target as an SMS subscription to {@code phoneNumber} (E.164; the rest kept). */
    public DeliveryTarget onSms(String phoneNumber) {
        return new DeliveryTarget(id, Channel.SMS, endpoint, secrets, null, active, push, webhookOrigin, unusable, phoneNumber);
    }

    @Override
    public String toString() {
        return "DeliveryTarget[id=" + id + ", channel=" + channel.externalName() + ", active=" + active
                + (unusable == null ? "" : ", unusable=" + unusable)
                + (phoneNumber == null ? "" : ", phoneNumber=" + PhoneNumbers.mask(phoneNumber)) + "]";
    }
}
