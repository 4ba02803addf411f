package io.herald.dispatcher.internal;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;

import javax.sql.DataSource;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

import io.herald.subscriptions.SubscriptionService;
import io.herald.subscriptions.SubscriptionsProperties;
import io.herald.subscriptions.internal.SecretCipher;
import io.herald.subscriptions.internal.SubscriptionRepository;

/** The subscription service the dispatcher's integration tests create subscriptions with: plain http allowed, a zero key. */
final class TestSubscriptionServices {

    private TestSubscriptionServices() {
    }

    static SubscriptionService on(DataSource dataSource) {
        String key = Base64.getEncoder().encodeToString(new byte[32]);
        SubscriptionsProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
                "herald.subscriptions.secret-key", key, "herald.subscriptions.allow-http", "true")))
                .bindOrCreate("herald.subscriptions", SubscriptionsProperties.class);
        return new SubscriptionService(new SubscriptionRepository(new JdbcTemplate(dataSource), new DataSourceTransactionManager(dataSource)),
                new SecretCipher(key, new SecureRandom()), properties, event -> { }, Clock.systemUTC());
    }
}
