package io.herald.subscriptions.internal;

import io.herald.subscriptions.SubscriptionId;

/**
 * A handshake this instance has claimed and is about to send.
 *
 * @param attempt  which attempt this is, from 1
 */
record PendingHandshake(SubscriptionId id, String endpoint, String resource, int attempt) {
}
