package io.herald.api.security;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Bearer JWTs on every API call: the publish scope to publish, the subscribe scope to read
 * feeds and manage subscriptions, the admin scope to administer delegations. The instance feed
 * is anonymous (its unguessable GUID is the capability). Health, info and metrics stay open for
 * probes and scrapers. After the token is checked, each client's request rate is limited.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({SecurityProperties.class, RateLimitProperties.class})
class SecurityConfiguration {

    @Bean
    SecurityFilterChain api(HttpSecurity http, SecurityProperties scopes, RateLimitProperties rates,
            CallerIdentities identities) throws Exception {
        var unauthorized = ProblemResponses.unauthorized();
        var forbidden = ProblemResponses.forbidden();
        http
                .csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/info", "/actuator/prometheus",
                                "/error").permitAll()
                        .requestMatchers(HttpMethod.POST, LocalTokenController.PATH).permitAll()
                        // the OpenAPI document and Swagger UI describe the API; reading them needs no token
                        .requestMatchers(HttpMethod.GET, "/v3/api-docs", "/v3/api-docs/**", "/v3/api-docs.yaml",
                                "/swagger-ui.html", "/swagger-ui/**").permitAll()
                        .requestMatchers(HttpMethod.POST, "/events/instanceeventsforinstance/*").permitAll()
                        .requestMatchers(HttpMethod.GET, "/events/api/v1/instances/*/events").permitAll()
                        // the SMS gateway's inbound webhook: its own signature authenticates it, it has no token
                        .requestMatchers(HttpMethod.POST, "/events/api/v1/sms/inbound").permitAll()
                        .requestMatchers("/events/api/v1/authorization/**").hasAuthority(scopes.adminAuthority())
                        .requestMatchers(HttpMethod.POST, "/events/api/v1/events", "/events/api/v1/app", "/events")
                                .hasAuthority(scopes.publishAuthority())
                        .requestMatchers(HttpMethod.GET, "/events/api/v1/events", "/events/api/v1/app/**",
                                "/events/instanceevents/**").hasAuthority(scopes.subscribeAuthority())
                        .requestMatchers(HttpMethod.POST, "/events/instanceeventsforparty").hasAuthority(scopes.subscribeAuthority())
                        .requestMatchers("/events/api/v1/subscriptions", "/events/api/v1/subscriptions/**")
                                .hasAuthority(scopes.subscribeAuthority())
                        .anyRequest().authenticated())
                .oauth2ResourceServer(resourceServer -> resourceServer
                        .bearerTokenResolver(new AuthorizationHeaderToken())
                        .jwt(Customizer.withDefaults())
                        .authenticationEntryPoint(unauthorized)
                        .accessDeniedHandler(forbidden))
                .exceptionHandling(exceptions -> exceptions
                        .authenticationEntryPoint(unauthorized)
                        .accessDeniedHandler(forbidden));
        if (rates.enabled()) {
            http.addFilterAfter(new RateLimitFilter(rates, identities), BearerTokenAuthenticationFilter.class);
        }
        return http.build();
    }
}
