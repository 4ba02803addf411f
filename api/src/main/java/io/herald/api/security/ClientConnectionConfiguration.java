package io.herald.api.security;

import jakarta.servlet.DispatcherType;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

import io.herald.api.publish.PublishProperties;

/** Registers {@link ClientConnectionFilter} first of all filters, for requests and for the dispatch that follows a received body. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ConnectionProperties.class)
class ClientConnectionConfiguration {

    @Bean
    @ConditionalOnProperty(prefix = "herald.connections", name = "enabled", havingValue = "true", matchIfMissing = true)
    FilterRegistrationBean<ClientConnectionFilter> clientConnectionFilter(ConnectionProperties properties, PublishProperties publish) {
        var registration = new FilterRegistrationBean<>(new ClientConnectionFilter(properties, publish.maxBodySize().toBytes()));
        registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        registration.setAsyncSupported(true);
        return registration;
    }
}
