package io.herald.dispatcher;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * When failed deliveries are tried again ({@code herald.dispatcher.retry.*}, bound as
 * {@link DispatcherProperties#retry()}); {@link RetryPolicy} applies them. The defaults are
 * defined here and only here.
 *
 * @param schedule      the wait before each retry: the first entry after the first failed attempt,
 *                      and so on; a delivery that fails once more after the last entry is
 *                      dead-lettered, so the default makes 12 attempts over about 35 hours. Empty means
 *                      no retries.
 * @param jitter        how far each wait may randomly stray from the schedule, as a fraction: 0.2 means
 *                      the wait is multiplied by a factor between 0.8 and 1.2, so that endpoints
 *                      recovering from an outage are not hit by every retry at once
 * @param maxRetryAfter the longest wait a {@code Retry-After} header on a 429 or 503 response can
 *                      impose; 0 means Retry-After never lengthens a wait
 */
public record DeliveryRetry(
        @DefaultValue({"10s", "30s", "1m", "5m", "10m", "30m", "1h", "3h", "6h", "12h", "12h"}) List<Duration> schedule,
        @DefaultValue("0.2") double jitter,
        @DefaultValue("1h") Duration maxRetryAfter) {

    public DeliveryRetry {
        if (schedule == null) {
            throw new IllegalArgumentException("herald.dispatcher.retry.schedule must be set but was null");
        }
        for (int i = 0; i < schedule.size(); i++) {
            Duration delay = schedule.get(i);
            if (delay == null || delay.isNegative() || delay.isZero()) {
                throw new IllegalArgumentException(
                        "herald.dispatcher.retry.schedule[" + i + "] must be positive but was " + delay);
            }
        }
        schedule = List.copyOf(schedule);
        // Written so that NaN fails too.
        if (!(jitter >= 0 && jitter <= 1)) {
            throw new IllegalArgumentException("herald.dispatcher.retry.jitter must be between 0 and 1 but was " + jitter);
        }
        if (maxRetryAfter == null || maxRetryAfter.isNegative()) {
            throw new IllegalArgumentException(
                    "herald.dispatcher.retry.max-retry-after must not be negative but was " + maxRetryAfter);
        }
    }

    /** The defaults, as documented: for code that builds a policy outside Spring (tests, benchmarks). */
    public static DeliveryRetry defaults() {
        return new Binder().bindOrCreate("herald.dispatcher.retry", DeliveryRetry.class);
    }
}
