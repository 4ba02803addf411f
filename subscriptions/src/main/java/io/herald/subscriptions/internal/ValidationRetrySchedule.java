package io.herald.subscriptions.internal;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When to try a handshake again: the configured delays in order, each with ±10% jitter so that
 * subscriptions created together do not retry in lockstep. After the last delay there is none:
 * the handshake gives up.
 */
record ValidationRetrySchedule(List<Duration> delays) {

    static final double JITTER = 0.1;

    ValidationRetrySchedule {
        delays = List.copyOf(delays);
        for (Duration delay : delays) {
            if (delay.isNegative() || delay.isZero()) {
                throw new IllegalArgumentException("herald.subscriptions.validation.retry-delays must all be positive but were " + delays);
            }
        }
    }

    /** The wait after {@code failedAttempts} failures (from 1), or empty when that was the last. */
    Optional<Duration> delayAfter(int failedAttempts) {
        if (failedAttempts < 1 || failedAttempts > delays.size()) {
            return Optional.empty();
        }
        long millis = delays.get(failedAttempts - 1).toMillis();
        double factor = ThreadLocalRandom.current().nextDouble(1 - JITTER, 1 + JITTER);
        return Optional.of(Duration.ofMillis(Math.round(millis * factor)));
    }
}
