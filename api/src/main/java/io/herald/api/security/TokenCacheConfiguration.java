package io.herald.api.security;

import java.time.Clock;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.jwt.JwtDecoder;

/**
 * Puts a {@link VerifiedTokenCache} in front of whichever {@link JwtDecoder} the application has: Spring
 * Boot's (issuer and keys configured) or the local profile's.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TokenCacheProperties.class)
class TokenCacheConfiguration {

    @Bean
    static BeanPostProcessor verifiedTokenCache(ObjectProvider<TokenCacheProperties> properties) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                if (bean instanceof JwtDecoder decoder && !(bean instanceof VerifiedTokenCache)) {
                    TokenCacheProperties cache = properties.getObject();
                    return cache.maxSize() == 0 ? bean : new VerifiedTokenCache(decoder, cache, Clock.systemUTC());
                }
                return bean;
            }
        };
    }
}
