package io.herald.api.security;

import java.io.IOException;
import java.time.Duration;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.filter.OncePerRequestFilter;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;

/**
 * A resilience4j {@link RateLimiter} per client, kept in a bounded cache: the caller its token names,
 * or without a token its address. Runs after the token is checked, so a client is who its token
 * says; a request over the client's rate gets 429 with {@code Retry-After} (whole seconds until a
 * permit is free) and goes no further.
 */
final class RateLimitFilter extends OncePerRequestFilter {

    private final CallerIdentities identities;
    private final RateLimiterConfig identified;
    private final RateLimiterConfig anonymous;
    private final Cache<String, RateLimiter> limiters;

    RateLimitFilter(RateLimitProperties properties, CallerIdentities identities) {
        this.identities = identities;
        this.identified = config(properties.limitForPeriod(), properties.period());
        this.anonymous = config(properties.anonymousLimitForPeriod(), properties.period());
        this.limiters = Caffeine.newBuilder()
                .maximumSize(properties.maxClients())
                .expireAfterAccess(properties.period().multipliedBy(2).plusSeconds(60))
                .build();
    }

    private static RateLimiterConfig config(int limit, Duration period) {
        return RateLimiterConfig.custom().limitForPeriod(limit).limitRefreshPeriod(period).timeoutDuration(Duration.ZERO).build();
    }

    /** The API only: probes, scrapers and the local token endpoint are not rate-limited. */
    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/events");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        String client = client(authentication, request);
        RateLimiter limiter = limiters.get(client, key -> RateLimiter.of(key,
                key.startsWith("address:") ? anonymous : identified));
        if (limiter.acquirePermission()) {
            chain.doFilter(request, response);
            return;
        }
        response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds(limiter)));
        ProblemResponses.write(response, HttpStatus.TOO_MANY_REQUESTS, "rate-limited",
                "too many requests from this client; try again after the number of seconds in Retry-After");
    }

    private String client(Authentication authentication, HttpServletRequest request) {
        if (authentication != null && authentication.getPrincipal() instanceof Jwt token) {
            String principal = identities.of(token).principal();
            return "caller:" + (principal != null ? principal : "/sub/" + identities.identity(token));
        }
        return "address:" + request.getRemoteAddr();
    }

    private static long retryAfterSeconds(RateLimiter limiter) {
        long nanos = limiter instanceof AtomicRateLimiter atomic
                ? atomic.getDetailedMetrics().getNanosToWait()
                : limiter.getRateLimiterConfig().getLimitRefreshPeriod().toNanos();
        return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }
}
