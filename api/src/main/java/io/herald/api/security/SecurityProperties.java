package io.herald.api.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Scope and claim names ({@code herald.security.*}); the token issuer and keys are Spring Boot's
 * {@code spring.security.oauth2.resourceserver.jwt.*}. docs/configuration.md lists them.
 *
 * @param publishScope   the scope that lets a caller publish events
 * @param subscribeScope the scope that lets a caller read feeds and subscribe
 * @param adminScope     the scope that lets a caller administer the built-in delegations
 * @param appScopePrefix a scope {@code {prefix}{org}/{app}} lets its holder read that app's events
 *                       as its agency does (an agency delegating one app to another organisation)
 * @param claims         which claims carry the caller's identities
 */
@ConfigurationProperties("herald.security")
public record SecurityProperties(
        @DefaultValue("altinn:events.publish") String publishScope,
        @DefaultValue("altinn:events.subscribe") String subscribeScope,
        @DefaultValue("altinn:events.admin") String adminScope,
        @DefaultValue("altinn:events/") String appScopePrefix,
        @DefaultValue Claims claims) {

    /**
     * @param org          the agency code, e.g. {@code skd}
     * @param person       the person number (11 digits)
     * @param organisation the organisation number: 9 digits, {@code 0192:} and 9 digits, or a
     *                     Maskinporten-style object whose {@code ID} is either
     * @param party        the party id (digits); optional
     * @param identity     who is calling: the value that records who created a subscription, names
     *                     the owner of subscriptions of a caller without another identity, keys the
     *                     rate limit and the publish grants of a caller without an agency. A token
     *                     without it may not use the subscription endpoints
     */
    public record Claims(
            @DefaultValue("org") String org,
            @DefaultValue("pid") String person,
            @DefaultValue("consumer") String organisation,
            @DefaultValue("partyid") String party,
            @DefaultValue("sub") String identity) {

        public Claims {
            if (identity == null || identity.isBlank()) {
                throw new IllegalArgumentException("herald.security.claims.identity must name a claim (default sub)");
            }
        }
    }

    public String publishAuthority() {
        return "SCOPE_" + publishScope;
    }

    public String subscribeAuthority() {
        return "SCOPE_" + subscribeScope;
    }

    public String adminAuthority() {
        return "SCOPE_" + adminScope;
    }
}
