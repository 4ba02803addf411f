package io.herald.dispatcher;

import java.time.Instant;

/**
 * One delivery of a subscription as its subscriber sees it: which event ({@code tx-seq}), where it
 * stands ({@code pending}, {@code delivered} or {@code dead}), how many attempts it took and how
 * the last one went.
 */
public record DeliveryView(
        long id,
        String eventPosition,
        String status,
        int attempts,
        Instant created,
        Instant nextAttempt,
        Integer lastStatus,
        String lastError,
        Instant delivered,
        Instant deadLettered) {
}
