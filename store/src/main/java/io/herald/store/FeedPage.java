package io.herald.store;

import java.util.List;

/**
 * One page of a feed. {@code next} is the position of the last event examined, which may lie past
 * the last event returned when a filter dropped events: a cursor always advances over what was read.
 */
public record FeedPage(List<StoredEvent> events, EventPosition next) {

    public FeedPage {
        events = List.copyOf(events);
    }
}
