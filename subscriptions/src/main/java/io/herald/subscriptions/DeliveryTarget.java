package io.herald.subscriptions;

import java.net.URI;
import java.util.List;

/**
 * Where and how to push a subscription's deliveries: its endpoint, the signing secrets
 * ({@code whsec_…}; more than one while a rotation overlaps), and whether it takes pushes now.
 * {@code unusable}, when set, says why nothing can be signed for it (a stored secret that cannot be
 * decrypted): its deliveries wait, and no other subscription's are held up by it.
 */
public record DeliveryTarget(SubscriptionId id, URI endpoint, List<String> secrets, boolean active, String unusable) {

    public DeliveryTarget {
        secrets = List.copyOf(secrets);
    }

    public DeliveryTarget(SubscriptionId id, URI endpoint, List<String> secrets, boolean active) {
        this(id, endpoint, secrets, active, null);
    }

    /** A subscription whose deliveries cannot be signed, and why (no secret in the reason). */
    public static DeliveryTarget unusable(SubscriptionId id, URI endpoint, boolean active, String reason) {
        return new DeliveryTarget(id, endpoint, List.of(), active, reason);
    }

    @Override
    public String toString() {
        return "DeliveryTarget[id=" + id + ", active=" + active + (unusable == null ? "" : ", unusable=" + unusable) + "]";
    }
}
