package io.herald.api.publish;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({PublishProperties.class, PublishRightsProperties.class})
class PublishConfiguration {
}
