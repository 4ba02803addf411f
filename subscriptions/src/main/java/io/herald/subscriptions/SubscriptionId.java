package io.herald.subscriptions;

/** A subscription's id. */
public record SubscriptionId(long value) {

    public static SubscriptionId parse(String text) {
        try {
            long value = Long.parseLong(text);
            if (value > 0) {
                return new SubscriptionId(value);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("a subscription id is a positive number but was '" + text + "'");
    }

    @Override
    public String toString() {
        return Long.toString(value);
    }
}
