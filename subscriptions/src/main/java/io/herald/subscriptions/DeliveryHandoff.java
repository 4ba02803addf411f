package io.herald.subscriptions;

import java.time.Duration;
import java.util.List;

import io.herald.store.EventReference;

/**
 * The dispatcher of this instance, taking deliveries at their creation. The matcher writes the
 * deliveries it hands over already reserved for this instance — their first attempt counted, due
 * again only when {@link #lease()} ends — and gives them to {@link #take} after the commit: they go
 * out without being claimed from the table.
 * Should this instance stop or crash first, they fall due at the lease's end like any claim whose
 * claimant went away (docs/adr/0022-deliveries-taken-at-creation.md). Deliveries of subscriptions
 * with ordered delivery are never handed over: their claim keeps their order.
 */
public interface DeliveryHandoff {

    /** Takes nothing: every delivery is written due, for any instance to claim. */
    DeliveryHandoff NONE = new DeliveryHandoff() {
        @Override
        public int room() {
            return 0;
        }

        @Override
        public Duration lease() {
            return Duration.ZERO;
        }

        @Override
        public void take(List<HandedDelivery> deliveries) {
            throw new IllegalStateException("no deliveries were reserved for this handoff");
        }
    };

    /** How many deliveries it takes now; 0 when it takes none (stopping, or every request slot in use). */
    int room();

    /** How long a delivery handed over is reserved for this instance. */
    Duration lease();

    /** The deliveries written reserved for this instance, after their commit. */
    void take(List<HandedDelivery> deliveries);

    /** A delivery written reserved for this instance (its first attempt counted). */
    record HandedDelivery(long id, SubscriptionId subscription, EventReference event) {
    }
}
