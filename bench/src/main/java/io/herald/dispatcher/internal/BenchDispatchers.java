package io.herald.dispatcher.internal;

import java.time.Clock;

import org.springframework.jdbc.core.JdbcTemplate;

import io.herald.dispatcher.DispatcherProperties;
import io.herald.dispatcher.RetryPolicy;
import io.herald.store.EventStore;
import io.herald.subscriptions.OutboundGuard;
import io.herald.subscriptions.SubscriptionService;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Builds the real {@link DeliveryWorker} outside Spring, exactly as {@code DispatcherConfiguration}
 * does, for the delivery benchmarks. It lives in the bench module under the dispatcher's internal
 * package (a split package, fine on the class path) so that the dispatcher need not widen its API
 * for a benchmark.
 */
public final class BenchDispatchers {

    private BenchDispatchers() {
    }

    public static DeliveryWorker worker(EventStore store, SubscriptionService subscriptions, JdbcTemplate jdbc,
            DispatcherProperties properties, OutboundGuard guard, Clock clock,
            MeterRegistry meters) {
        return new DeliveryWorker(store, subscriptions, new DeliveryQueue(jdbc),
                new RetryPolicy(properties.retry()), properties, guard,
                new EndpointHealth(jdbc, subscriptions, store, properties.health().disableAfter(), clock), clock, meters);
    }

    /** The state of an endpoint's circuit breaker, e.g. {@code OPEN}: to explain a benchmark's figures. */
    public static String breakerState(DeliveryWorker worker, java.net.URI endpoint) {
        return worker.breaker(endpoint).getState().name();
    }
}
