package io.herald.api.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

/**
 * A {@link JwtDecoder} that verifies each token once: the same bearer token on the next request is answered
 * with the {@link Jwt} its first successful decoding produced, instead of another RS256 verification (which
 * was the largest single cost of a publish). Every rule of the decoder it wraps still holds: only a token the
 * decoder accepted is kept; a kept token is dropped the moment it expires ({@code exp}, checked on every use
 * against the clock), and after {@code maxAge} at the latest, when the decoder checks it afresh (a key
 * withdrawn from the key set stops its tokens within that time). A token without {@code exp} is never kept.
 * Refused tokens are never kept, so each refusal is decided (and logged) by the decoder itself.
 */
final class VerifiedTokenCache implements JwtDecoder {

    private final JwtDecoder decoder;
    private final Clock clock;
    private final Cache<String, Jwt> verified;

    VerifiedTokenCache(JwtDecoder decoder, TokenCacheProperties properties, Clock clock) {
        this.decoder = decoder;
        this.clock = clock;
        Duration maxAge = properties.maxAge();
        this.verified = Caffeine.newBuilder()
                .maximumSize(properties.maxSize())
                .expireAfter(Expiry.<String, Jwt>creating((token, jwt) -> lifetime(jwt, maxAge)))
                .ticker(() -> clock.millis() * 1_000_000L)
                .build();
    }

    private Duration lifetime(Jwt jwt, Duration maxAge) {
        Duration untilExpiry = Duration.between(clock.instant(), jwt.getExpiresAt());
        return untilExpiry.compareTo(maxAge) < 0 ? untilExpiry : maxAge;
    }

    @Override
    public Jwt decode(String token) throws JwtException {
        Jwt known = verified.getIfPresent(token);
        if (known != null) {
            if (clock.instant().isBefore(known.getExpiresAt())) {
                return known;
            }
            verified.invalidate(token);
        }
        Jwt jwt = decoder.decode(token);
        Instant expiresAt = jwt.getExpiresAt();
        if (expiresAt != null && clock.instant().isBefore(expiresAt)) {
            verified.put(token, jwt);
        }
        return jwt;
    }

    JwtDecoder decoder() {
        return decoder;
    }
}
