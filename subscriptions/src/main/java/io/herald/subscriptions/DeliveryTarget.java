package io.herald.subscriptions;

import java.net.URI;
import java.util.List;

/**
 * Where and how to push a subscription's deliveries: its endpoint, the signing secrets
 * ({@code whsec_…}; more than one while a rotation overlaps), whether it takes pushes now, how
 * they are sent ({@code push}), and the origin Herald names in {@code WebHook-Request-Origin} on each
 * (as the CloudEvents web hook spec asks of a sender after its handshake).
 * {@code unusable}, when set, says why nothing can be signed for it (a stored secret that cannot be
 * decrypted): its deliveries wait, and no other subscription's are held up by it.
 */
public record DeliveryTarget(SubscriptionId id, URI endpoint, List<String> secrets, boolean active, PushOptions push,
        String webhookOrigin, String unusable) {

    public DeliveryTarget {
        secrets = List.copyOf(secrets);
        push = push == null ? PushOptions.DEFAULT : push;
    }

    /** With the default push options and no {@code WebHook-Request-Origin}. */
    public DeliveryTarget(SubscriptionId id, URI endpoint, List<String> secrets, boolean active) {
        this(id, endpoint, secrets, active, PushOptions.DEFAULT, null, null);
    }

    /** A subscription whose deliveries cannot be signed, and why (no secret in the reason). */
    public static DeliveryTarget unusable(SubscriptionId id, URI endpoint, boolean active, String reason) {
        return new DeliveryTarget(id, endpoint, List.of(), active, PushOptions.DEFAULT, null, reason);
    }

    @Override
    public String toString() {
        return "DeliveryTarget[id=" + id + ", active=" + active + (unusable == null ? "" : ", unusable=" + unusable) + "]";
    }
}
