package io.herald.store;

import java.util.Objects;

/** What makes an event unique: its {@code source} and {@code id}. */
public record EventKey(String source, String id) {

    public EventKey {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(id, "id");
    }

    public EventKey withId(String otherId) {
        return new EventKey(source, otherId);
    }

    @Override
    public String toString() {
        return "(source=" + source + ", id=" + id + ")";
    }
}
