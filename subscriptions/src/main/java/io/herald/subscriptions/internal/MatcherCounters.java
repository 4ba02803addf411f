package io.herald.subscriptions.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What every matcher counts, tagged with its name: events matched, deliveries created, and matches
 * not delivered because the subscription's owner may not read the event.
 */
final class MatcherCounters {

    private final Counter events;
    private final Counter deliveries;
    private final Counter denied;

    MatcherCounters(MeterRegistry meters, String instance) {
        this.events = Counter.builder("herald.matcher.events").description("events matched against subscriptions")
                .tag("matcher", instance).register(meters);
        this.deliveries = Counter.builder("herald.matcher.deliveries").description("deliveries created")
                .tag("matcher", instance).register(meters);
        this.denied = Counter.builder("herald.matcher.denied")
                .description("matches not delivered because the subscription's owner may not read the event")
                .tag("matcher", instance).register(meters);
    }

    /** One batch: how many events it held, how many deliveries it created, and how many matches were denied. */
    void batch(int eventCount, int created, int deniedCount) {
        events.increment(eventCount);
        deliveries.increment(created);
        denied.increment(deniedCount);
    }
}
