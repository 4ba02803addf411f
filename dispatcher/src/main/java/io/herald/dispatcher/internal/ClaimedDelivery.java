package io.herald.dispatcher.internal;

import io.herald.store.EventReference;
import io.herald.subscriptions.SubscriptionId;

/**
 * A delivery this instance claimed: which subscription, which event, the number of this attempt,
 * and the claim's own number, which everything written about this attempt is fenced on.
 */
record ClaimedDelivery(long id, SubscriptionId subscription, EventReference event, int attempt, long claim) {

    /**
     * The claim of a delivery handed to this instance at its creation: it has no claim number (they start at 1),
     * and the queue's fences read a missing one as this.
     */
    static final long AT_CREATION = 0;

    /** Stable across retries of this delivery: the receiver deduplicates by it (Standard Webhooks {@code webhook-id}). */
    String webhookId() {
        return "msg_" + id;
    }
}
