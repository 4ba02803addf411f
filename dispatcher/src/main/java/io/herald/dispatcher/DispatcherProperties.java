package io.herald.dispatcher;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Push delivery ({@code herald.dispatcher.*}); docs/configuration.md lists them.
 *
 * @param enabled                 push deliveries from this instance
 * @param batchSize               the most deliveries claimed at once
 * @param pollInterval            how long an idle dispatcher waits before looking for due deliveries
 * @param claimLease              how long a claimed delivery is this instance's; after that (a crash) another takes it
 * @param connectTimeout          TCP and TLS connect timeout to an endpoint
 * @param responseTimeout         how long an endpoint may take to answer
 * @param maxInFlight             requests one instance has open at once, over all endpoints
 * @param maxInFlightPerEndpoint  requests open at once to one endpoint (host and port): a slow endpoint uses these, not everyone's
 * @param retry                   the retry schedule and Retry-After handling
 * @param breaker                 the circuit breaker each endpoint has
 * @param health                  when an endpoint that keeps failing is disabled
 * @param replayMaxEvents         the most events one range replay call examines
 */
@ConfigurationProperties("herald.dispatcher")
public record DispatcherProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("100") int batchSize,
        @DefaultValue("100ms") Duration pollInterval,
        @DefaultValue("2m") Duration claimLease,
        @DefaultValue("5s") Duration connectTimeout,
        @DefaultValue("10s") Duration responseTimeout,
        @DefaultValue("256") int maxInFlight,
        @DefaultValue("8") int maxInFlightPerEndpoint,
        @DefaultValue @NestedConfigurationProperty DeliveryRetry retry,
        @DefaultValue Breaker breaker,
        @DefaultValue Health health,
        @DefaultValue("10000") int replayMaxEvents) {

    /**
     * An endpoint that has failed every attempt (no 2xx) for {@code disableAfter} has its
     * subscription disabled and its owner told; a check runs every {@code checkInterval}, on one
     * instance of the cluster at a time.
     *
     * @param disableAfter  how long an endpoint may fail without a single success
     * @param checkInterval how often failing endpoints are looked for
     */
    public record Health(
            @DefaultValue("5d") Duration disableAfter,
            @DefaultValue("5m") Duration checkInterval) {

        public Health {
            if (disableAfter.isNegative() || disableAfter.isZero() || checkInterval.isNegative() || checkInterval.isZero()) {
                throw new IllegalArgumentException("herald.dispatcher.health.disable-after and check-interval must be positive "
                        + "but were " + disableAfter + " and " + checkInterval);
            }
        }
    }

    /**
     * Per endpoint (host and port): when enough of its recent attempts failed, it gets no traffic
     * for a while, then a few probes; its deliveries wait meanwhile without using up attempts.
     *
     * @param failureRateThreshold percentage of failed attempts among the recent ones that opens the breaker
     * @param slidingWindowSize    how many recent attempts count
     * @param minimumNumberOfCalls attempts needed before the rate is judged
     * @param waitInOpenState      how long an open breaker keeps traffic away before probing
     * @param probes               attempts let through to probe a half-open breaker
     */
    public record Breaker(
            @DefaultValue("50") float failureRateThreshold,
            @DefaultValue("20") int slidingWindowSize,
            @DefaultValue("10") int minimumNumberOfCalls,
            @DefaultValue("30s") Duration waitInOpenState,
            @DefaultValue("1") int probes) {

        public Breaker {
            if (failureRateThreshold <= 0 || failureRateThreshold > 100) {
                throw new IllegalArgumentException("herald.dispatcher.breaker.failure-rate-threshold must be in (0, 100] but was "
                        + failureRateThreshold);
            }
            if (slidingWindowSize < 1 || minimumNumberOfCalls < 1 || probes < 1) {
                throw new IllegalArgumentException("herald.dispatcher.breaker.sliding-window-size, minimum-number-of-calls and "
                        + "probes must be at least 1 but were " + slidingWindowSize + ", " + minimumNumberOfCalls + ", " + probes);
            }
        }
    }


    public DispatcherProperties {
        if (batchSize < 1 || maxInFlight < 1 || maxInFlightPerEndpoint < 1 || replayMaxEvents < 1) {
            throw new IllegalArgumentException("herald.dispatcher.batch-size, max-in-flight, max-in-flight-per-endpoint and "
                    + "replay-max-events must be at least 1 but were " + batchSize + ", " + maxInFlight + ", "
                    + maxInFlightPerEndpoint + ", " + replayMaxEvents);
        }
        if (claimLease.compareTo(responseTimeout.plus(connectTimeout)) <= 0) {
            throw new IllegalArgumentException("herald.dispatcher.claim-lease (" + claimLease
                    + ") must be longer than connect-timeout plus response-timeout, or a slow attempt would be sent twice");
        }
    }

    /** The defaults, as documented: for code that runs outside Spring (tests, benchmarks). */
    public static DispatcherProperties defaults() {
        return new Binder().bindOrCreate("herald.dispatcher", DispatcherProperties.class);
    }
}
