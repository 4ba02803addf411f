package io.herald.api.security;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.observation.SecurityObservationSettings;

/**
 * No Micrometer observation per security filter, authentication and authorization: with the actuator on
 * the class path Spring Security wraps each of its filters in an observation, which was a fifth of the CPU
 * of a publish (docs/adr/0016). Each request is still observed once, as {@code http.server.requests}.
 */
@Configuration(proxyBeanMethods = false)
class SecurityObservationConfiguration {

    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }
}
