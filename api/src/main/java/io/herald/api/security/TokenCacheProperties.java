package io.herald.api.security;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The cache of verified tokens ({@code herald.security.token-cache.*}); docs/configuration.md lists them.
 * A client sends the same bearer token on request after request: its signature is verified once, and the
 * verified token is reused until it expires, for at most {@code maxAge}.
 *
 * @param maxSize how many verified tokens are kept (the least recently used go first); 0 verifies every request
 * @param maxAge  the longest a verified token is reused before its signature and claims are checked again,
 *                which bounds how long a token signed by a key since withdrawn from the key set still passes
 */
@ConfigurationProperties("herald.security.token-cache")
public record TokenCacheProperties(
        @DefaultValue("10000") long maxSize,
        @DefaultValue("5m") Duration maxAge) {

    public TokenCacheProperties {
        if (maxSize < 0) {
            throw new IllegalArgumentException("herald.security.token-cache.max-size must not be negative but was " + maxSize);
        }
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("herald.security.token-cache.max-age must be positive but was " + maxAge);
        }
    }
}
