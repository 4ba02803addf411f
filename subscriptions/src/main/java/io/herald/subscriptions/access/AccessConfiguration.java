package io.herald.subscriptions.access;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import io.herald.subscriptions.PartyRegistry;

/**
 * The access policy and its decision point, chosen by {@code herald.authorization.decision-point}.
 * The built-in delegation store exists either way, so its administration API answers; with
 * {@code xacml} it is simply not asked.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AuthorizationProperties.class)
public class AccessConfiguration {

    @Bean
    DelegationStore delegationStore(JdbcTemplate jdbc) {
        return new DelegationStore(jdbc);
    }

    @Bean
    AccessPolicy accessPolicy(AuthorizationProperties properties, DelegationStore delegations, PartyRegistry parties) {
        DecisionPoint decisionPoint = properties.decisionPoint() == AuthorizationProperties.Kind.XACML
                ? new XacmlDecisionPoint(properties.xacml())
                : delegations;
        return new AccessPolicy(decisionPoint, parties, properties);
    }

    @Bean
    SubscriberAccess subscriberAccess(JdbcTemplate jdbc, AccessPolicy access) {
        return new SubscriberAccess(jdbc, access);
    }
}
