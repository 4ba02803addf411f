package io.herald.subscriptions;

/**
 * Published (as a Spring application event) after new deliveries were committed due in the table (not those
 * handed to this instance's dispatcher at their creation, {@link DeliveryHandoff}), so that the dispatcher on this
 * instance looks at once.
 */
public record DeliveriesCreated(int count) {
}
