package io.herald.dispatcher.internal;

import io.herald.store.EventReference;
import io.herald.subscriptions.SubscriptionId;

/** A delivery this instance claimed: which subscription, which event, and the number of this attempt. */
record ClaimedDelivery(long id, SubscriptionId subscription, EventReference event, int attempt) {

    /** Stable across retries of this delivery: the receiver deduplicates by it (Standard Webhooks {@code webhook-id}). */
    String webhookId() {
        return "msg_" + id;
    }
}
