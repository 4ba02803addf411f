package io.herald.api.security;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code local} profile's token endpoint ({@code herald.local.*}).
 *
 * @param tokenLifetime how long a token from {@code POST /local/token} is valid
 * @param audience      the audience its tokens are for; the local decoder accepts no other
 */
@ConfigurationProperties("herald.local")
public record LocalProperties(@DefaultValue("1h") Duration tokenLifetime, @DefaultValue("herald") String audience) {
}
