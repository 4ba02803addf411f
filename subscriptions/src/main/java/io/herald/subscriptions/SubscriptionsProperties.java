package io.herald.subscriptions;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Subscriptions, their validation and matching ({@code herald.subscriptions.*});
 * docs/configuration.md lists them.
 *
 * @param secretKey          base64 of the 256-bit AES key that encrypts signing secrets at rest; required
 * @param allowHttp          accept {@code http://} endpoints (local development only; production is https only)
 * @param maxEndpointLength  the longest endpoint URL
 * @param maxFilterLength    the longest value of any filter
 * @param maxPerConsumer     how many subscriptions one consumer may have
 * @param validation         the validation handshake
 * @param matcher            the change-feed consumer that turns events into deliveries
 * @param outbound           where handshakes and deliveries may go
 * @param secretOverlap      how long a rotated-out signing secret keeps signing beside the new one
 */
@ConfigurationProperties("herald.subscriptions")
public record SubscriptionsProperties(
        String secretKey,
        @DefaultValue("false") boolean allowHttp,
        @DefaultValue("2048") int maxEndpointLength,
        @DefaultValue("1024") int maxFilterLength,
        @DefaultValue("1000") int maxPerConsumer,
        @DefaultValue Validation validation,
        @DefaultValue Matcher matcher,
        @DefaultValue Outbound outbound,
        @DefaultValue("24h") Duration secretOverlap) {

    /**
     * @param allowedNetworks internal networks (CIDRs) that endpoints may nevertheless be in, e.g.
     *                        {@code 127.0.0.0/8} for local development; by default none
     */
    public record Outbound(List<String> allowedNetworks) {

        public Outbound {
            allowedNetworks = allowedNetworks == null ? List.of() : List.copyOf(allowedNetworks);
        }

        public OutboundGuard guard() {
            return new OutboundGuard(allowedNetworks);
        }
    }

    /**
     * @param retryDelays    waits between handshake attempts; after the last the subscription stays unvalidated
     * @param timeout        connect and response timeout of one handshake request
     * @param sweepInterval  how often due handshake retries are looked for
     * @param baseUrl        Herald's public address, as subscribers reach it: the validation event's
     *                       {@code source} is {@code {baseUrl}/events/api/v1/subscriptions/{id}}, and its
     *                       host is the origin Herald names in the CloudEvents web hook handshake
     */
    public record Validation(
            @DefaultValue({"10s", "30s", "1m", "5m", "10m", "30m", "1h", "3h", "6h", "12h", "12h"}) List<Duration> retryDelays,
            @DefaultValue("10s") Duration timeout,
            @DefaultValue("1s") Duration sweepInterval,
            @DefaultValue("http://localhost:8080") java.net.URI baseUrl) {

        public Validation {
            if (baseUrl == null || !baseUrl.isAbsolute() || baseUrl.getHost() == null || baseUrl.getRawQuery() != null
                    || baseUrl.getRawFragment() != null) {
                throw new IllegalArgumentException("herald.subscriptions.validation.base-url must be an absolute http(s) URL "
                        + "with a host and no query, such as https://events.example, but was " + baseUrl);
            }
        }

        /** The validation event's {@code source} for the subscription: where the platform's receivers read its id from. */
        public String eventSource(SubscriptionId id) {
            String base = baseUrl.toString();
            return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/events/api/v1/subscriptions/" + id.value();
        }

        /** The name Herald gives in {@code WebHook-Request-Origin}: the host of its base URL. */
        public String webhookOrigin() {
            return baseUrl.getHost();
        }
    }

    /**
     * @param ranges        how many hash ranges of {@code resource} the log is split into (fixed once the database has them)
     * @param batchSize     events matched per transaction
     * @param pollInterval  how long an idle matcher waits before looking for new events
     * @param leaseDuration how long a range stays with an instance that stops renewing it
     * @param enabled       run the matcher on this instance
     */
    public record Matcher(
            @DefaultValue("16") int ranges,
            @DefaultValue("500") int batchSize,
            @DefaultValue("100ms") Duration pollInterval,
            @DefaultValue("15s") Duration leaseDuration,
            @DefaultValue("true") boolean enabled) {

        public Matcher {
            if (ranges < 1 || ranges > 1024) {
                throw new IllegalArgumentException("herald.subscriptions.matcher.ranges must be 1 to 1024 but was " + ranges);
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("herald.subscriptions.matcher.batch-size must be at least 1 but was " + batchSize);
            }
        }
    }

    /** The defaults, as documented: for code that runs outside Spring (tests, benchmarks). */
    public static SubscriptionsProperties defaults() {
        return new Binder().bindOrCreate("herald.subscriptions", SubscriptionsProperties.class);
    }
}
