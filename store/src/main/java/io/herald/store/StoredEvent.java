package io.herald.store;

import java.time.Instant;

/**
 * An event as the log holds it: its position, the attributes feeds and matching filter on, and
 * the CloudEvent JSON exactly as stored.
 */
public record StoredEvent(
        EventPosition position,
        Instant storedAt,
        EventKey key,
        String type,
        String resource,
        String subject,
        String alternativeSubject,
        String resourceInstance,
        Instant time,
        String json) {
}
