package io.herald.dispatcher.internal;

import java.time.Clock;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import io.herald.dispatcher.DispatcherProperties;
import io.herald.dispatcher.SmsProperties;
import io.herald.dispatcher.SmsSubscriptions;
import io.herald.subscriptions.OutboundGuard;
import io.herald.subscriptions.SubscriptionService;

/**
 * The SMS gateway {@code herald.sms.gateway} names, and what is built on it: the channel, the
 * sender of codes and digests, the subscriptions' verification. With {@code none} there is no
 * gateway and every part says so.
 */
final class SmsSetup implements AutoCloseable {

    private final SmsProperties settings;
    private final FakeSmsGateway fake;
    private final SmsSender sender;

    SmsSetup(SmsProperties settings, OutboundGuard guard, DispatcherProperties dispatcher, Clock clock) {
        this.settings = settings;
        SmsGateway gateway = switch (settings.gateway()) {
            case NONE -> null;
            case TWILIO -> new TwilioGateway(settings.twilio());
            case LOCAL_FAKE -> null;
        };
        if (settings.gateway() == SmsProperties.Gateway.LOCAL_FAKE) {
            fake = new FakeSmsGateway();
            gateway = new TwilioGateway(new SmsProperties.Twilio(fake.baseUrl(), "AClocalfake", "local-fake-auth-token",
                    "Herald", null, ""));
        } else {
            fake = null;
        }
        this.sender = gateway == null ? null : new SmsSender(gateway, guard, dispatcher, clock);
    }

    /** The channel, or null without a gateway. */
    DeliveryChannel channel(JdbcTemplate jdbc, TransactionTemplate transactions, SubscriptionService subscriptions) {
        if (sender == null) {
            return null;
        }
        var limit = settings.rateLimit();
        return new SmsChannel(sender.gateway(), new SmsMessages(settings),
                new SmsRates(jdbc, transactions, limit.perWindow(), limit.window()), subscriptions);
    }

    /** The gateway texts go through; null without one. */
    SmsGateway gateway() {
        return sender == null ? null : sender.gateway();
    }

    SmsSubscriptions subscriptions(SubscriptionService subscriptions, EndpointHealth health) {
        return new SmsSubscriptionService(subscriptions, settings, sender, health);
    }

    /** The digest job: with no gateway it finds nothing to send, since nothing was folded. */
    SmsDigests digests(JdbcTemplate jdbc, TransactionTemplate transactions, SubscriptionService subscriptions) {
        var limit = settings.rateLimit();
        return new SmsDigests(jdbc, transactions, subscriptions, sender, new SmsMessages(settings), limit.window(),
                limit.checkInterval());
    }

    @Override
    public void close() {
        if (sender != null) {
            sender.close();
        }
        if (fake != null) {
            fake.close();
        }
    }
}
