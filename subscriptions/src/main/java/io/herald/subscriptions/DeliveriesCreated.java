package io.herald.subscriptions;

/** Published (as a Spring application event) after the matcher committed new deliveries, so the dispatcher on this instance looks at once. */
public record DeliveriesCreated(int count) {
}
