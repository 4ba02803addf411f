package io.herald.dispatcher.internal;

import java.net.URI;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.herald.dispatcher.DeliveryOutcome;
import io.herald.store.StoredEvent;
import io.herald.subscriptions.DeliveryTarget;
import io.herald.subscriptions.PhoneNumbers;
import io.herald.subscriptions.SubscriptionService;

/**
 * SMS: a short text from the event type's template ({@link SmsMessages}) to the subscription's
 * verified number, through the configured gateway. Each number gets at most
 * {@code herald.sms.rate-limit.per-window} texts a window; the events beyond are folded into one
 * digest ({@link SmsRates}, {@link SmsDigests}). Numbers in the gateway's answers are masked before
 * they are recorded.
 */
final class SmsChannel implements DeliveryChannel {

    private static final Logger log = LoggerFactory.getLogger(SmsChannel.class);
    private static final Pattern NUMBER = Pattern.compile("\\+[1-9][0-9]{6,14}");

    private final SmsGateway gateway;
    private final SmsMessages messages;
    private final SmsRates rates;
    private final SubscriptionService subscriptions;

    SmsChannel(SmsGateway gateway, SmsMessages messages, SmsRates rates, SubscriptionService subscriptions) {
        this.gateway = gateway;
        this.messages = messages;
        this.rates = rates;
        this.subscriptions = subscriptions;
    }

    @Override
    public URI destination(DeliveryTarget target) {
        return gateway.url();
    }

    @Override
    public Request prepare(String messageId, DeliveryTarget target, StoredEvent event, Instant now) {
        return gateway.message(target.phoneNumber(), messages.text(event));
    }

    @Override
    public DeliveryOutcome classify(SendResult result, Instant now) {
        return gateway.classify(result, now);
    }

    /** The number's allowance: false when this delivery is folded into the number's digest instead. */
    @Override
    public boolean admit(DeliveryTarget target) {
        try {
            return rates.admit(subscriptions.phoneNumberHash(target.phoneNumber()));
        } catch (RuntimeException e) {
            // better one text too many than an event lost
            log.warn("Could not count the texts of {}; sending: {}", PhoneNumbers.mask(target.phoneNumber()), e.toString());
            return true;
        }
    }

    @Override
    public SendResult redact(SendResult result) {
        return new SendResult(result.status(), result.retryAfter(), result.latencyMillis(), mask(result.excerpt()),
                result.errorClass(), mask(result.error()));
    }

    /** Every phone number in {@code text} masked: gateways echo the recipient in their answers. */
    static String mask(String text) {
        if (text == null) {
            return null;
        }
        Matcher matcher = NUMBER.matcher(text);
        StringBuilder masked = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(masked, Matcher.quoteReplacement(PhoneNumbers.mask(matcher.group())));
        }
        return matcher.appendTail(masked).toString();
    }
}
