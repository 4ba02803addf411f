package io.herald.dispatcher.internal;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.herald.dispatcher.DeliveryOutcome;

/**
 * One SMS gateway's HTTP API: how a text is sent (one POST), what its answers mean, and how its
 * inbound webhook (replies such as STOP) is authenticated and read. Twilio's is the first
 * ({@link TwilioGateway}); another gateway is one more class.
 */
interface SmsGateway {

    /** Where messages are POSTed: the key of the worker's breaker and slots, checked by the outbound guard. */
    URI url();

    /** The request that sends {@code text} to {@code to} (E.164); the gateway splits a long text into concatenated parts. */
    DeliveryChannel.Request message(String to, String text);

    /** What the gateway's answer means: delivered, worth a retry, refused for good, or the number is gone. */
    DeliveryOutcome classify(SendResult result, Instant now);

    /**
     * True when an inbound webhook request is the gateway's own: its signature over {@code url}
     * and the form parameters verifies.
     */
    boolean authentic(String url, Map<String, List<String>> form, Map<String, String> headers);

    /** The sender and text of an inbound message, when the form is one. */
    Optional<Reply> reply(Map<String, List<String>> form);

    /** A text someone sent to Herald's number. */
    record Reply(String from, String body) {

        @Override
        public String toString() {
            return "Reply[from=" + io.herald.subscriptions.PhoneNumbers.mask(from) + "]";
        }
    }
}
