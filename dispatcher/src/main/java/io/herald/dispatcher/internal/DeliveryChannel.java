package io.herald.dispatcher.internal;

import java.net.URI;
import java.time.Instant;
import java.util.Map;

import io.herald.dispatcher.DeliveryOutcome;
import io.herald.dispatcher.RetryPolicy;
import io.herald.store.StoredEvent;
import io.herald.subscriptions.DeliveryTarget;

/**
 * One way of telling a subscriber of an event (webhook, Web Push, SMS). A channel only
 * <em>prepares</em> the HTTPS POST (renders, signs, encrypts: no I/O, so it can be tested against
 * published examples) and <em>classifies</em> the answer into a channel-neutral
 * {@link DeliveryOutcome}. Claiming, the circuit breaker, request slots, {@link RetryPolicy}, dead
 * letters and attempt records stay in {@link DeliveryWorker}, the same for every channel.
 */
public interface DeliveryChannel {

    /** Where the request goes: the key of the breaker and of the per-endpoint slots, and what the outbound guard checks. */
    URI destination(DeliveryTarget target);

    /**
     * The request that delivers {@code event} to {@code target}; {@code messageId} is stable across
     * retries of one delivery (the receiver deduplicates by it), {@code now} is the time it is signed at.
     */
    Request prepare(String messageId, DeliveryTarget target, StoredEvent event, Instant now);

    /** What the answer (or its absence) means, for {@link RetryPolicy}. */
    DeliveryOutcome classify(SendResult result, Instant now);

    /**
     * Whether this delivery may be sent now, asked just before it would be (SMS: the number's hourly
     * allowance). False settles it without a request, as folded into a later digest.
     */
    default boolean admit(DeliveryTarget target) {
        return true;
    }

    /** The answer as it is recorded and shown: a channel masks personal data the service echoed (SMS: the number). */
    default SendResult redact(SendResult result) {
        return result;
    }

    /** One POST: where, what, and the headers beside the content type. */
    public record Request(URI url, String contentType, byte[] body, Map<String, String> headers) {

        public Request {
            headers = Map.copyOf(headers);
        }
    }
}
