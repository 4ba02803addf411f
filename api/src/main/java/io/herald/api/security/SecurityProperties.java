package io.herald.api.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Scope names ({@code herald.security.*}); the token issuer and keys are Spring Boot's
 * {@code spring.security.oauth2.resourceserver.jwt.*}. docs/configuration.md lists them.
 *
 * @param publishScope   the scope that lets a caller publish events
 * @param subscribeScope the scope that lets a caller read feeds and subscribe
 */
@ConfigurationProperties("herald.security")
public record SecurityProperties(
        @DefaultValue("altinn:events.publish") String publishScope,
        @DefaultValue("altinn:events.subscribe") String subscribeScope) {

    public String publishAuthority() {
        return "SCOPE_" + publishScope;
    }

    public String subscribeAuthority() {
        return "SCOPE_" + subscribeScope;
    }
}
