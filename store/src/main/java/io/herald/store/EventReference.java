package io.herald.store;

import java.time.Instant;
import java.util.Objects;

/** Points at one stored event: its position, and when it was stored (which lets the store go straight to its partition). */
public record EventReference(EventPosition position, Instant storedAt) {

    public EventReference {
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(storedAt, "storedAt");
    }
}
