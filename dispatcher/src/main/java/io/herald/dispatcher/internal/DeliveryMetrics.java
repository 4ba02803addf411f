package io.herald.dispatcher.internal;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.Gauge;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The dispatcher's meters: attempts by outcome, their latency, dead letters, deliveries put back
 * for a busy endpoint, the queue's depth and age, and how many endpoints' breakers are in each
 * state. Cardinality stays bounded: nothing is tagged by endpoint or subscription.
 */
final class DeliveryMetrics {

    /** The queue's depth is counted at most this often, however often it is scraped. */
    private static final long DEPTH_REFRESH_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final MeterRegistry meters;
    private final Counter deadLetters;
    private final Counter postponed;
    private final Counter heldByBreaker;
    private final Timer latency;

    DeliveryMetrics(MeterRegistry meters) {
        this.meters = meters;
        this.deadLetters = Counter.builder("herald.delivery.dead.letters").description("deliveries given up on").register(meters);
        this.postponed = Counter.builder("herald.delivery.postponed")
                .description("deliveries put back because their endpoint had no free slot").register(meters);
        this.heldByBreaker = Counter.builder("herald.delivery.held")
                .description("deliveries held back because their endpoint's circuit breaker is open").register(meters);
        this.latency = Timer.builder("herald.delivery.latency").description("time from request to answer (or failure)")
                .publishPercentileHistogram().register(meters);
    }

    void attempt(String outcome, long latencyMillis) {
        Counter.builder("herald.delivery.attempts").description("delivery attempts by outcome").tag("outcome", outcome)
                .register(meters).increment();
        latency.record(latencyMillis, TimeUnit.MILLISECONDS);
    }

    void deadLettered() {
        deadLetters.increment();
    }

    void postponed() {
        postponed.increment();
    }

    void heldByBreaker() {
        heldByBreaker.increment();
    }

    /** {@code herald.delivery.breakers{state}}: endpoints whose breaker is closed, open or half-open. */
    void breakerStates(CircuitBreakerRegistry breakers) {
        for (CircuitBreaker.State state : java.util.List.of(CircuitBreaker.State.CLOSED, CircuitBreaker.State.OPEN,
                CircuitBreaker.State.HALF_OPEN)) {
            Gauge.builder("herald.delivery.breakers", breakers, registry -> registry.getAllCircuitBreakers().stream()
                            .filter(breaker -> breaker.getState() == state).count())
                    .description("endpoints whose circuit breaker is in this state, on this instance")
                    .tag("state", state.name().toLowerCase(java.util.Locale.ROOT)).register(meters);
        }
    }

    /** Subscriptions whose deliveries wait because their signing secret or Web Push keys cannot be decrypted. */
    void unsignable(UnsignableSubscriptions unsignable) {
        Gauge.builder("herald.delivery.unsignable.subscriptions", unsignable, UnsignableSubscriptions::count)
                .description("subscriptions whose deliveries wait because their signing secret or Web Push keys cannot be decrypted")
                .register(meters);
    }

    /**
     * {@code herald.delivery.queue.due}, {@code .pending} and {@code .oldest.seconds}: the
     * database's queue (shared by all instances), counted at most every ten seconds.
     */
    void queueDepth(Supplier<DeliveryQueue.Depth> depth) {
        var cached = new Supplier<DeliveryQueue.Depth>() {
            private DeliveryQueue.Depth last = new DeliveryQueue.Depth(0, 0, 0);
            private long countedAt = System.nanoTime() - DEPTH_REFRESH_NANOS;

            @Override
            public synchronized DeliveryQueue.Depth get() {
                if (System.nanoTime() - countedAt >= DEPTH_REFRESH_NANOS) {
                    try {
                        last = depth.get();
                    } catch (RuntimeException e) {
                        // the database is away: keep showing the last count rather than failing the scrape
                    }
                    countedAt = System.nanoTime();
                }
                return last;
            }
        };
        // strong references: nothing else holds the cache, and a gauge's weak one let a collection turn them into NaN
        Gauge.builder("herald.delivery.queue.due", cached, s -> s.get().due()).strongReference(true)
                .description("deliveries due now and not yet claimed or sent").register(meters);
        Gauge.builder("herald.delivery.queue.pending", cached, s -> s.get().pending()).strongReference(true)
                .description("deliveries not yet delivered or dead-lettered, due now or later (retries)").register(meters);
        Gauge.builder("herald.delivery.queue.oldest.seconds", cached, s -> s.get().oldestDueSeconds()).strongReference(true)
                .description("how long the longest-waiting due delivery has been due").register(meters);
    }
}
