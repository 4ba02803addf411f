package io.herald.dispatcher;

import java.time.Instant;

/**
 * One attempt at a delivery: when, the endpoint's HTTP status (null if it did not answer), how long
 * it took, the start of its answer or the error, and what Herald made of it ({@code outcome}).
 */
public record AttemptView(
        long id,
        long deliveryId,
        int attempt,
        Instant at,
        Integer status,
        int latencyMillis,
        String responseExcerpt,
        String error,
        String outcome) {
}
