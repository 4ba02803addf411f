package io.herald.subscriptions;

import java.util.Objects;

/**
 * A subscription just stored, with its signing secret in plain text: the only time Herald hands
 * the secret out. When the consumer already had an identical subscription, that one is answered
 * instead, without a secret ({@code null}): it was shown when it was created.
 * {@link #toString()} leaves the secret out so that it never reaches a log.
 */
public record CreatedSubscription(Subscription subscription, String secret) {

    public CreatedSubscription {
        Objects.requireNonNull(subscription, "subscription");
    }

    /** The identical subscription the consumer already had. */
    public static CreatedSubscription existing(Subscription subscription) {
        return new CreatedSubscription(subscription, null);
    }

    /** True when this is a subscription the consumer already had, not a new one. */
    public boolean existed() {
        return secret == null;
    }

    @Override
    public String toString() {
        return "CreatedSubscription[subscription=" + subscription + ", secret=(not shown)]";
    }
}
