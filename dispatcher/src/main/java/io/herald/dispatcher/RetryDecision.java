package io.herald.dispatcher;

import java.time.Duration;
import java.util.Objects;

/** What to do with a delivery after an attempt, as {@link RetryPolicy} decided it. */
public sealed interface RetryDecision {

    /** The endpoint took the delivery; nothing more to do. */
    record Done() implements RetryDecision {
    }

    /**
     * Try again once {@code delay} has passed since the attempt ended.
     *
     * @param delay never negative
     */
    record RetryAt(Duration delay) implements RetryDecision {

        public RetryAt {
            Objects.requireNonNull(delay, "delay");
            if (delay.isNegative()) {
                throw new IllegalArgumentException("a retry delay must not be negative but was " + delay);
            }
        }
    }

    /**
     * Stop trying; keep the delivery as a dead letter that the subscriber can see and replay.
     *
     * @param reason why, in words a subscriber understands
     */
    record DeadLetter(String reason) implements RetryDecision {

        public DeadLetter {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * The endpoint asked not to be called again: disable the subscription, recording
     * {@code reason} on it, and dead-letter this delivery so that it can be replayed if the
     * subscriber enables the subscription again.
     *
     * @param reason why, in words a subscriber understands
     */
    record Disable(String reason) implements RetryDecision {

        public Disable {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
