package io.herald.api.security;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Protection from slow and greedy clients ({@code herald.connections.*}); docs/configuration.md
 * lists them and docs/adr/0013-publish-rights-forwarded-headers-and-slow-clients.md says why. A
 * client is the peer address of its connection (or the address a trusted proxy reports).
 *
 * @param enabled        read request bodies without holding a worker thread, enforce the body rate and the cap per client
 * @param minBodyRate    the least a request body must progress per second, averaged over each {@code bodyRateWindow};
 *                       a slower body is answered 408 and its connection closed
 * @param bodyRateWindow the window over which the body rate is measured (also the longest a body may stall)
 * @param maxPerClient   requests one client may have in progress at once (bodies being received included);
 *                       beyond that it gets 503 with {@code Retry-After} and its connection is closed
 */
@ConfigurationProperties("herald.connections")
public record ConnectionProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("1KB") DataSize minBodyRate,
        @DefaultValue("10s") Duration bodyRateWindow,
        @DefaultValue("64") int maxPerClient) {

    public ConnectionProperties {
        if (minBodyRate.toBytes() < 1) {
            throw new IllegalArgumentException("herald.connections.min-body-rate must be at least 1B but was " + minBodyRate);
        }
        if (bodyRateWindow.toMillis() < 100) {
            throw new IllegalArgumentException("herald.connections.body-rate-window must be at least 100ms but was " + bodyRateWindow);
        }
        if (maxPerClient < 1) {
            throw new IllegalArgumentException("herald.connections.max-per-client must be at least 1 but was " + maxPerClient);
        }
    }

    /** Bytes a body must gain in each window. */
    long minBytesPerWindow() {
        return Math.max(1, minBodyRate.toBytes() * bodyRateWindow.toMillis() / 1000);
    }
}
