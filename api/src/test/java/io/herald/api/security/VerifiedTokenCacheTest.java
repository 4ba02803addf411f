package io.herald.api.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;

import io.herald.store.MutableClock;

class VerifiedTokenCacheTest {

    private static final Instant START = Instant.parse("2026-12-06T05:00:00Z");

    private final MutableClock clock = new MutableClock(START);
    private final AtomicInteger decodings = new AtomicInteger();

    private static Jwt jwt(String token, Instant expiresAt) {
        Jwt.Builder builder = Jwt.withTokenValue(token).header("alg", "RS256").subject("caller").issuedAt(START);
        return (expiresAt == null ? builder : builder.expiresAt(expiresAt)).build();
    }

    private VerifiedTokenCache cache(JwtDecoder decoder, Duration maxAge) {
        return new VerifiedTokenCache(token -> {
            decodings.incrementAndGet();
            return decoder.decode(token);
        }, new TokenCacheProperties(100, maxAge), clock);
    }

    @Test
    void shouldVerifyTheSameTokenOnlyOnceWhileItIsValid() {
        VerifiedTokenCache cache = cache(token -> jwt(token, START.plus(Duration.ofHours(1))), Duration.ofMinutes(5));

        Jwt first = cache.decode("token-a");
        Jwt again = cache.decode("token-a");
        cache.decode("token-b");

        assertThat(again).isSameAs(first);
        assertThat(decodings).hasValue(2);
    }

    @Test
    void shouldAskTheDecoderAgainOnceTheTokenHasExpired() {
        VerifiedTokenCache cache = cache(token -> {
            if (clock.instant().isAfter(START.plus(Duration.ofMinutes(2)))) {
                throw new BadJwtException("Jwt expired at " + START.plus(Duration.ofMinutes(1)));
            }
            return jwt(token, START.plus(Duration.ofMinutes(1)));
        }, Duration.ofMinutes(5));
        cache.decode("token");

        clock.set(START.plus(Duration.ofMinutes(3)));

        assertThatThrownBy(() -> cache.decode("token")).isInstanceOf(BadJwtException.class).hasMessageContaining("expired");
        assertThat(decodings).hasValue(2);
    }

    @Test
    void shouldCheckAKeptTokenAfreshAfterTheMaximumAge() {
        VerifiedTokenCache cache = cache(token -> jwt(token, START.plus(Duration.ofHours(1))), Duration.ofMinutes(5));
        cache.decode("token");

        clock.set(START.plus(Duration.ofMinutes(6)));
        cache.decode("token");

        assertThat(decodings).hasValue(2);
    }

    @Test
    void shouldNeverKeepARefusedToken() {
        VerifiedTokenCache cache = cache(token -> {
            throw new BadJwtException("An error occurred while attempting to decode the Jwt: Signed JWT rejected");
        }, Duration.ofMinutes(5));

        assertThatThrownBy(() -> cache.decode("forged")).isInstanceOf(BadJwtException.class);
        assertThatThrownBy(() -> cache.decode("forged")).isInstanceOf(BadJwtException.class);
        assertThat(decodings).hasValue(2);
    }

    @Test
    void shouldNeverKeepATokenWithoutExpiry() {
        VerifiedTokenCache cache = cache(token -> jwt(token, null), Duration.ofMinutes(5));

        cache.decode("token");
        cache.decode("token");

        assertThat(decodings).hasValue(2);
    }
}
