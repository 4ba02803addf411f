package io.herald.dispatcher.internal;

import java.time.Clock;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.herald.dispatcher.DispatcherProperties;
import io.herald.dispatcher.WebPushProperties;
import io.herald.dispatcher.SmsProperties;
import io.herald.dispatcher.SmsSubscriptions;
import io.herald.dispatcher.RetryPolicy;
import io.herald.store.EventStore;
import io.herald.subscriptions.SubscriptionService;
import io.herald.subscriptions.SubscriptionsProperties;
import io.micrometer.core.instrument.MeterRegistry;

/** The dispatcher's beans: the retry policy and, unless turned off, the worker that pushes deliveries. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({DispatcherProperties.class, WebPushProperties.class, SmsProperties.class})
class DispatcherConfiguration {

    @Bean
    RetryPolicy retryPolicy(DispatcherProperties properties) {
        return new RetryPolicy(properties.retry());
    }

    @Bean
    EndpointHealth endpointHealth(JdbcTemplate jdbc, SubscriptionService subscriptions, EventStore store,
            DispatcherProperties properties, Clock clock) {
        return new EndpointHealth(jdbc, subscriptions, store, properties.health().disableAfter(), clock);
    }

    @Bean
    @ConditionalOnBooleanProperty(name = "herald.dispatcher.enabled", matchIfMissing = true)
    DeliveryWorker deliveryWorker(EventStore store, SubscriptionService subscriptions, JdbcTemplate jdbc,
            PlatformTransactionManager transactions, RetryPolicy policy, DispatcherProperties properties,
            SubscriptionsProperties subscriptionsProperties, EndpointHealth health, Clock clock, MeterRegistry meters,
            WebPushProperties webPush, SmsSetup sms) {
        return new DeliveryWorker(store, subscriptions, new DeliveryQueue(jdbc), policy,
                properties, subscriptionsProperties.outbound().guard(), health, clock, meters,
                DeliveryChannels.of(webPush, sms.channel(jdbc, new TransactionTemplate(transactions), subscriptions)));
    }

    /** The SMS gateway (none, Twilio, or the local fake), built once. */
    @Bean(destroyMethod = "close")
    SmsSetup smsSetup(SmsProperties sms, SubscriptionsProperties subscriptionsProperties, DispatcherProperties properties,
            Clock clock) {
        return new SmsSetup(sms, subscriptionsProperties.outbound().guard(), properties, clock);
    }

    @Bean
    SmsSubscriptions smsSubscriptions(SmsSetup sms, SubscriptionService subscriptions, EndpointHealth health) {
        return sms.subscriptions(subscriptions, health);
    }

    /** Digests of numbers over their allowance: sent where deliveries are. */
    @Bean
    @ConditionalOnBooleanProperty(name = "herald.dispatcher.enabled", matchIfMissing = true)
    SmsDigests smsDigests(SmsSetup sms, JdbcTemplate jdbc, PlatformTransactionManager transactions,
            SubscriptionService subscriptions) {
        return sms.digests(jdbc, new TransactionTemplate(transactions), subscriptions);
    }
}
