package io.herald.api.security;

import java.time.Instant;
import java.util.Objects;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;

/**
 * What Herald asks of every token beyond Spring Security's defaults (signature, issuer, audience,
 * {@code nbf}/{@code exp} when present): an expiry. A token without {@code exp} would be valid for
 * ever, so a leaked one could never be contained; it is refused with 401. Spring Boot adds every
 * {@code OAuth2TokenValidator<Jwt>} bean to the decoder it builds; the local profile's decoder
 * adds this one itself.
 */
@Configuration(proxyBeanMethods = false)
class TokenRules {

    @Bean
    static OAuth2TokenValidator<Jwt> expiryRequired() {
        return new JwtClaimValidator<Instant>(JwtClaimNames.EXP, Objects::nonNull);
    }
}
