package io.herald.api.security;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Request rate per client ({@code herald.rate-limit.*}); docs/configuration.md lists them. A client
 * is the caller its token names (agency, person, organisation, else the token's subject), or, without
 * a token, its address. Over its rate a client gets 429 with {@code Retry-After}; others are not affected.
 *
 * @param enabled          limit request rates at all
 * @param limitForPeriod   requests a client with a token may make per period
 * @param anonymousLimitForPeriod requests a client without a token (the anonymous instance feed) may make per period
 * @param period           the period after which a client's allowance is full again
 * @param maxClients       how many clients are tracked at once (the least recently seen are forgotten)
 */
@ConfigurationProperties("herald.rate-limit")
public record RateLimitProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("1000") int limitForPeriod,
        @DefaultValue("20") int anonymousLimitForPeriod,
        @DefaultValue("1s") Duration period,
        @DefaultValue("100000") long maxClients) {

    public RateLimitProperties {
        if (limitForPeriod < 1 || anonymousLimitForPeriod < 1) {
            throw new IllegalArgumentException("herald.rate-limit.limit-for-period and anonymous-limit-for-period must be at least 1 but were "
                    + limitForPeriod + " and " + anonymousLimitForPeriod);
        }
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("herald.rate-limit.period must be positive but was " + period);
        }
        if (maxClients < 1) {
            throw new IllegalArgumentException("herald.rate-limit.max-clients must be at least 1 but was " + maxClients);
        }
    }
}
