package io.herald.dispatcher.internal;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.herald.subscriptions.DeliveryTarget;

/**
 * The rate a subscription's endpoint allowed in the CloudEvents web hook handshake
 * ({@code WebHook-Allowed-Rate}, requests per minute), held per subscription on this instance: one
 * request every {@code 60 s / rate}, never a burst. Instances keep their own count, so with several
 * the endpoint may see up to that many times the rate (docs/operations.md says so).
 */
final class RateCaps {

    private final Map<Long, RateLimiter> limiters = new ConcurrentHashMap<>();

    /** {@link Duration#ZERO} when the delivery may go now (and it is counted), else how long until one may. */
    Duration waitBefore(DeliveryTarget target) {
        Integer rate = target.push().allowedRate();
        long id = target.id().value();
        if (rate == null) {
            limiters.remove(id);
            return Duration.ZERO;
        }
        Duration interval = Duration.ofMillis(Math.max(1, 60_000L / rate));
        RateLimiter limiter = limiters.compute(id, (key, known) ->
                known != null && known.getRateLimiterConfig().getLimitRefreshPeriod().equals(interval) ? known
                        : RateLimiter.of("subscription-" + key, RateLimiterConfig.custom()
                                .limitForPeriod(1)
                                .limitRefreshPeriod(interval)
                                .timeoutDuration(Duration.ZERO)
                                .build()));
        return limiter.acquirePermission() ? Duration.ZERO : interval;
    }
}
