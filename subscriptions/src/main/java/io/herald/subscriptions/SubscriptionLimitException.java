package io.herald.subscriptions;

/** The consumer has as many subscriptions as {@code herald.subscriptions.max-per-consumer} allows. */
public class SubscriptionLimitException extends RuntimeException {

    private final int limit;

    public SubscriptionLimitException(int limit) {
        super("a consumer may have at most " + limit + " subscriptions and has that many already; delete one to make room");
        this.limit = limit;
    }

    public int limit() {
        return limit;
    }
}
