package io.herald.subscriptions;

import java.net.URI;
import java.time.Instant;

/**
 * A subscription as stored. It is matched once validated ({@code validatedTx} set) and not
 * paused; it then receives the events of transactions after {@code validatedTx}.
 * {@code handshake} tells how its validation is going. With {@code orderedDelivery} its next
 * event is pushed only once the one before it was delivered or dead-lettered.
 * {@code disabledReason} is set when Herald turned it off (its endpoint answered 410 Gone, or kept
 * failing); it is then paused until its owner resumes it. {@code push} says how its events are POSTed.
 */
public record Subscription(
        SubscriptionId id,
        String consumer,
        String createdBy,
        URI endpoint,
        SubscriptionFilter filter,
        boolean paused,
        Instant createdAt,
        Instant validatedAt,
        Long validatedTx,
        long version,
        Handshake handshake,
        boolean orderedDelivery,
        String disabledReason,
        PushOptions push) {

    public Subscription {
        push = push == null ? PushOptions.DEFAULT : push;
    }

    /** With the default push options. */
    public Subscription(SubscriptionId id, String consumer, String createdBy, URI endpoint, SubscriptionFilter filter,
            boolean paused, Instant createdAt, Instant validatedAt, Long validatedTx, long version, Handshake handshake,
            boolean orderedDelivery, String disabledReason) {
        this(id, consumer, createdBy, endpoint, filter, paused, createdAt, validatedAt, validatedTx, version, handshake,
                orderedDelivery, disabledReason, PushOptions.DEFAULT);
    }

    /**
     * Where the validation handshake stands while the subscription is not validated: attempts
     * made, the last failure (status or error, never a secret), and when the next attempt is due
     * ({@code null} once it gave up; a resume starts it again).
     */
    public record Handshake(int attempts, String lastError, Instant nextAttemptAt) {

        public static final Handshake NONE = new Handshake(0, null, null);
    }

    public boolean validated() {
        return validatedAt != null;
    }

    /** True when events are matched to it now. */
    public boolean active() {
        return validated() && !paused;
    }

    /**
     * {@code disabled}, {@code paused}, {@code pending-validation} or {@code active}: what a
     * subscriber sees. Paused wins over validation, so a pause is visible even before the handshake
     * succeeded; disabled is a pause Herald made, with its reason.
     */
    public String status() {
        if (paused && disabledReason != null) {
            return "disabled";
        }
        if (paused) {
            return "paused";
        }
        return validated() ? "active" : "pending-validation";
    }
}
