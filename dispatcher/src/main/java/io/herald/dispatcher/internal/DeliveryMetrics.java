package io.herald.dispatcher.internal;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** The dispatcher's meters: attempts by outcome, their latency, dead letters, and deliveries put back for a busy endpoint. */
final class DeliveryMetrics {

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
}
