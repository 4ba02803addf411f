package io.herald.api.feed;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.herald.api.security.CallerIdentities;
import io.herald.subscriptions.access.AccessPolicy;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(FeedProperties.class)
class FeedConfiguration {

    /** Party rights: the caller's identities from its token, asked of the access policy a page at a time. */
    @Bean
    @ConditionalOnMissingBean
    FeedAccessPolicy partyAccessPolicy(CallerIdentities identities, AccessPolicy access) {
        return (caller, events) -> access.mayRead(identities.of(caller), events);
    }
}
