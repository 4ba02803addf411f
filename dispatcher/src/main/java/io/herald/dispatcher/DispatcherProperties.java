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
        @DefaultValue @NestedConfigurationProperty DeliveryRetry retry) {

    public DispatcherProperties {
        if (batchSize < 1 || maxInFlight < 1 || maxInFlightPerEndpoint < 1) {
            throw new IllegalArgumentException("herald.dispatcher.batch-size, max-in-flight and max-in-flight-per-endpoint "
                    + "must be at least 1 but were " + batchSize + ", " + maxInFlight + ", " + maxInFlightPerEndpoint);
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
