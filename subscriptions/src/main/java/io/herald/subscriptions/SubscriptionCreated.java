package io.herald.subscriptions;

/** Published (as a Spring application event) once a new subscription is committed; the handshake starts on it. */
public record SubscriptionCreated(SubscriptionId id) {
}
