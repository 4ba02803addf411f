package io.herald.subscriptions.access;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who decides about party rights, and how long an answer is kept ({@code herald.authorization.*});
 * docs/configuration.md lists them, docs/adr/0008-authorization.md says why.
 *
 * @param decisionPoint  {@code built-in} (the delegation table, administered through the API) or
 *                       {@code xacml} (an external decision point speaking the XACML 3.0 JSON profile)
 * @param cacheLifetime  how long a decision is reused; a revoked delegation stops reads and pushes
 *                       within this bound (0 turns caching off; at most 10 minutes)
 * @param cacheSize      how many decisions are kept at most
 * @param xacml          the external decision point, when {@code decision-point=xacml}
 * @param resourceOwners resources that are no app's, by the agency that owns them (resource URN
 *                       prefixes per {@code org}): the owner reads and subscribes to all of their
 *                       events, as an agency does its apps'; none by default
 */
@ConfigurationProperties("herald.authorization")
public record AuthorizationProperties(
        @DefaultValue("built-in") Kind decisionPoint,
        @DefaultValue("30s") Duration cacheLifetime,
        @DefaultValue("100000") long cacheSize,
        @DefaultValue Xacml xacml,
        Map<String, List<String>> resourceOwners) {

    /** Where decisions come from. */
    public enum Kind { BUILT_IN, XACML }

    private static final Duration LONGEST_LIFETIME = Duration.ofMinutes(10);

    public AuthorizationProperties {
        resourceOwners = resourceOwners == null ? Map.of() : Map.copyOf(resourceOwners);
        resourceOwners.forEach((org, prefixes) -> prefixes.forEach(prefix -> {
            if (!prefix.startsWith("urn:") || prefix.startsWith("urn:herald:") || prefix.startsWith("urn:altinn:resource:app_")) {
                throw new IllegalArgumentException("herald.authorization.resource-owners." + org + " names resource prefixes"
                        + " that are no app's and not Herald's (urn:…, not urn:herald:… nor urn:altinn:resource:app_…) but was " + prefix);
            }
        }));
        if (cacheLifetime.isNegative() || cacheLifetime.compareTo(LONGEST_LIFETIME) > 0) {
            throw new IllegalArgumentException("herald.authorization.cache-lifetime must be between 0 and "
                    + LONGEST_LIFETIME + " (a revoked right must stop within it) but was " + cacheLifetime);
        }
        if (cacheSize < 1) {
            throw new IllegalArgumentException("herald.authorization.cache-size must be at least 1 but was " + cacheSize);
        }
        if (decisionPoint == Kind.XACML && xacml.url() == null) {
            throw new IllegalArgumentException("herald.authorization.xacml.url is required when herald.authorization.decision-point=xacml");
        }
    }

    /**
     * @param url        where to POST the XACML JSON requests
     * @param timeout    connect and answer timeout; no answer in time is a deny
     * @param maxBatch   requests per multi-request at most; larger batches are split
     */
    public record Xacml(URI url, @DefaultValue("2s") Duration timeout, @DefaultValue("200") int maxBatch) {

        public Xacml {
            if (maxBatch < 1) {
                throw new IllegalArgumentException("herald.authorization.xacml.max-batch must be at least 1 but was " + maxBatch);
            }
        }
    }
}
