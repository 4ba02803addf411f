package io.herald.api.portal;

import java.net.URI;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;

/**
 * The portal's own security filter chain, ahead of the API's: its page, scripts and settings are
 * read without a token (the page carries the subscriber's token on each API call it makes, and the
 * API checks it there), under a Content-Security-Policy that allows scripts, styles and requests
 * from Herald alone (and the token request to the configured issuer), no inline script and no frame.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PortalProperties.class)
class PortalConfiguration {

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    SecurityFilterChain portal(HttpSecurity http, PortalProperties portal) throws Exception {
        String policy = contentSecurityPolicy(portal.signIn());
        http
                .securityMatcher(PortalController.PATH, PortalController.PATH + "/**")
                .csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                // the page, its files and settings are public; anything else asked under /portal is answered by
                // MVC (405 or 404), never with a login
                .authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives(policy))
                        // the page's address carries the sign-in's code and state for a moment: never send it on
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER)));
        return http.build();
    }

    /** Herald's origin only, plus the issuer's token endpoint for the code exchange when sign-in is configured. */
    static String contentSecurityPolicy(PortalProperties.SignIn signIn) {
        String connect = "'self'";
        if (signIn.configured()) {
            connect += " " + origin(signIn.tokenUri());
        }
        return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src " + connect
                + "; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
    }

    private static String origin(URI uri) {
        return uri.getScheme().toLowerCase(java.util.Locale.ROOT) + "://" + uri.getHost().toLowerCase(java.util.Locale.ROOT)
                + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
    }
}
