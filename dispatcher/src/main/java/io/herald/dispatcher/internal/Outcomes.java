package io.herald.dispatcher.internal;

import java.time.Instant;

import io.herald.dispatcher.DeliveryOutcome;
import io.herald.dispatcher.RetryPolicy;

/** Turns what the HTTP client saw into the facts the retry policy decides on. */
final class Outcomes {

    private Outcomes() {
    }

    static DeliveryOutcome of(SendResult result, Instant now) {
        if (result.refused()) {
            return new DeliveryOutcome.Refused(result.error());
        }
        if (!result.answered()) {
            return new DeliveryOutcome.NetworkFailure(result.errorClass() == null ? "unknown" : result.errorClass());
        }
        return DeliveryOutcome.ofResponse(result.status(),
                result.retryAfter() == null ? java.util.Optional.empty() : RetryPolicy.parseRetryAfter(result.retryAfter(), now));
    }
}
