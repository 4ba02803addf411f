package io.herald.subscriptions;

import java.util.Objects;

/**
 * A subscription just stored, with its signing secret in plain text: the only time Herald hands
 * the secret out. {@link #toString()} leaves the secret out so that it never reaches a log.
 */
public record CreatedSubscription(Subscription subscription, String secret) {

    public CreatedSubscription {
        Objects.requireNonNull(subscription, "subscription");
        Objects.requireNonNull(secret, "secret");
    }

    @Override
    public String toString() {
        return "CreatedSubscription[subscription=" + subscription + ", secret=(not shown)]";
    }
}
