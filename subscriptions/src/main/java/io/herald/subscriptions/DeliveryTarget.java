package io.herald.subscriptions;

import java.net.URI;
import java.util.List;

/**
 * Where and how to push a subscription's deliveries: its endpoint, the signing secrets
 * ({@code whsec_…}; more than one while a rotation overlaps), and whether it takes pushes now.
 */
public record DeliveryTarget(SubscriptionId id, URI endpoint, List<String> secrets, boolean active) {

    public DeliveryTarget {
        secrets = List.copyOf(secrets);
    }

    @Override
    public String toString() {
        return "DeliveryTarget[id=" + id + ", active=" + active + "]";
    }
}
