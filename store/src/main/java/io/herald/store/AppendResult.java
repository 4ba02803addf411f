package io.herald.store;

import java.util.List;

/** The outcome of appending one request's events: all stored (or already stored), or none. */
public sealed interface AppendResult {

    /**
     * Every event is in the log, at these positions (in the order given). A re-published event
     * answers with the position it was first stored at.
     */
    record Appended(List<EventPosition> positions) implements AppendResult {
        public Appended {
            positions = List.copyOf(positions);
        }
    }

    /** An event with this key is already stored with other content; nothing of the request was stored. */
    record Conflicted(EventKey key) implements AppendResult {
    }
}
